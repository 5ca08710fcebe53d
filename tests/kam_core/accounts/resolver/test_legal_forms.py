"""Legal forms written out in full are their short forms (issue 18)."""

import pytest

from kam_core.accounts.models import AccountAlias
from kam_core.accounts.resolver.normalise import normalise, raw
from kam_core.accounts.resolver.resolve import Outcome, search_accounts
from tests.factories import make_account


@pytest.mark.parametrize(
    ("written_out", "short"),
    [
        ("Volkswagen Aktiengesellschaft", "Volkswagen AG"),
        ("Robert Bosch Gesellschaft mit beschränkter Haftung", "Robert Bosch GmbH"),
        ("Merck Kommanditgesellschaft auf Aktien", "Merck KGaA"),
        ("Allianz Societas Europaea", "Allianz SE"),
        ("Nestlé Société Anonyme", "Nestlé S.A."),
        ("Banco Santander Sociedad Anónima", "Banco Santander, S.A."),
        ("Shell Public Limited Company", "Shell plc"),
        ("Toyota Motor Kabushiki Kaisha", "Toyota Motor K.K."),
        ("Kabushiki Kaisha Toshiba", "Toshiba KK"),  # the Japanese form may lead the name
        ("Eni Società per Azioni", "Eni S.p.A."),
        ("Heineken Naamloze Vennootschap", "Heineken N.V."),
        ("ASML Besloten Vennootschap", "ASML B.V."),
        ("Volvo Aktiebolag", "Volvo AB"),
        ("Nokia Julkinen osakeyhtiö", "Nokia Oyj"),
        ("Apple Incorporated", "Apple Inc."),
        ("Rolls-Royce Limited", "Rolls-Royce Ltd"),
        ("Yum Brands Corporation", "Yum Brands Corp."),
    ],
)
def test_a_legal_form_written_out_is_its_short_form(written_out, short):
    assert normalise(written_out) == normalise(short)
    assert raw(written_out) == raw(short)  # the same name as typed, not just the same key


def test_a_name_that_is_only_a_legal_form_is_kept():
    assert normalise("Limited") == "limited"


def test_a_legal_form_in_the_middle_of_a_name_stays():
    assert normalise("Limited Brands Corporation") == "limited brands"


@pytest.fixture
def accounts(session):
    made = {}
    for name, aliases in {
        "Volkswagen AG": [],
        "Merck KGaA": [],
        "Merck & Co., Inc.": ["MSD"],
        "Société Générale Société Anonyme": [],
        "株式会社東芝": ["Toshiba Corporation"],
        "Koninklijke Philips N.V.": [],
    }.items():
        made[name] = make_account(session, name=name)
        session.add_all(AccountAlias(account=made[name], alias=a) for a in aliases)
    session.flush()
    return made


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Volkswagen Aktiengesellschaft", "Volkswagen AG"),
        ("Merck Kommanditgesellschaft auf Aktien", "Merck KGaA"),  # the legal form still tells the Mercks apart
        ("Société Générale SA", "Société Générale Société Anonyme"),
        ("Kabushiki Kaisha Toshiba", "株式会社東芝"),
        ("Koninklijke Philips Naamloze Vennootschap", "Koninklijke Philips N.V."),
    ],
)
def test_a_rep_typing_the_form_in_full_gets_the_account(session, accounts, typed, meant):
    result = search_accounts(session, query=typed)
    assert (result.outcome, [c.name for c in result.candidates]) == (Outcome.match, [meant])
