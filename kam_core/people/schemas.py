from pydantic import BaseModel, ConfigDict

from kam_core.enums import Role


class PersonView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str
    role: Role
    manager_email: str | None = None
    team: str | None
    timezone: str
    slack_user_id: str | None
    placeholder_email: bool = False
    language: str | None = None  # "en", "zh"; None: KAM_DEFAULT_LANGUAGE


class PersonOption(BaseModel):
    """A person as a picker offers them."""
    id: int
    name: str
    email: str
