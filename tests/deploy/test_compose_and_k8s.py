"""deploy/: the compose file, the Kubernetes manifests and the Dockerfile agree with the code and the docs.

These read the files (tests/image builds and runs the image; no cluster here): every Kubernetes manifest is
valid against the Kubernetes API's schemas and the compose file against the Compose Specification's, both
offline; every variable they set is a setting (bot/settings.py) or a runtime variable docs/setup.md
documents; every command they run is a real `kam` command that the README names; image, ports and probe
paths line up; no secret is committed."""

import re
import subprocess
import sys
import tomllib

import kubernetes_validate
import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import app as kam_cli
from bot.settings import Settings
from bot.web import PROBES, SLACK_PATH
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
GUNICORN = ["gunicorn", "-c", "/app/gunicorn.conf.py", "bot.wsgi:application"]
SECRET_KEYS = {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "POSTGRES_PASSWORD"}
REAL_SECRET = re.compile(r"(xox[abpr]-\d+-|xapp-\d-[A-Z0-9]|-----BEGIN)")
POD_KINDS = ("Deployment", "Job", "CronJob")


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def compose() -> dict:
    return yaml.safe_load(read(DEPLOY / "docker-compose.yml"))


def k8s_documents() -> list[tuple[str, dict]]:
    return [(path.name, doc) for path in sorted(K8S.glob("*.y*ml")) for doc in yaml.safe_load_all(read(path)) if doc]


def pod_spec(doc: dict) -> dict:
    spec = doc["spec"]["jobTemplate"]["spec"] if doc["kind"] == "CronJob" else doc["spec"]
    return spec["template"]["spec"]


def kam_containers() -> list[tuple[str, dict]]:
    """(where, container) for every container running the bot's image: compose services and k8s pods."""
    found = [(f"compose:{name}", service) for name, service in compose()["services"].items() if name != "postgres"]
    for file, doc in k8s_documents():
        if doc["kind"] in POD_KINDS:
            found += [(f"{file}:{doc['metadata']['name']}", c) for c in pod_spec(doc)["containers"]]
    return found


def settings_variables() -> set[str]:
    return {field.alias for field in Settings.model_fields.values() if field.alias}


def documented_variables() -> set[str]:
    return set(re.findall(r"`([A-Z][A-Z0-9_]{2,})`", read(ROOT / "docs" / "setup.md")))


def env_example_keys() -> dict[str, str]:
    """KEY -> value of deploy/.env.example, commented-out keys (defaults kept) included with value None."""
    keys = {}
    for line in read(DEPLOY / ".env.example").splitlines():
        if m := re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line):
            keys[m.group(2)] = None if m.group(1) else m.group(3)
    return keys


def image_version() -> str:
    return tomllib.loads(read(ROOT / "pyproject.toml"))["project"]["version"]


# ---- parsing -----------------------------------------------------------------------------------------


def test_every_deploy_file_parses():
    assert compose()["services"].keys() == {"postgres", "migrate", "bot", "scheduler"}
    kinds = sorted(doc["kind"] for _, doc in k8s_documents())
    assert kinds == sorted(["Namespace", "ConfigMap", "Secret", "Deployment", "Service", "PodDisruptionBudget",
                            "Deployment", "Job", "CronJob", "CronJob", "Ingress", "Kustomization"])


# ---- schemas: offline, from the schemas the dev packages ship ----------------------------------------------

# The oldest Kubernetes the library has schemas for, and the newest: the manifests must be valid on both.
KUBERNETES_VERSIONS = sorted({kubernetes_validate.utils.all_versions()[0], kubernetes_validate.latest_version()})
KUSTOMIZATION_FIELDS = {"apiVersion", "kind", "namespace", "resources", "images", "labels", "commonLabels",
                        "commonAnnotations", "configMapGenerator", "secretGenerator", "patches", "replicas"}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_kubernetes_manifest_is_valid_against_the_api_schema(version):
    checked = []
    for file, doc in k8s_documents():
        if doc["kind"] == "Kustomization":
            continue  # not an API object: kubernetes-validate has no schema for it (checked below)
        try:
            kubernetes_validate.validate(doc, version, strict=True)  # strict: unknown fields are errors
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{file}: {doc['kind']} {doc['metadata']['name']} on Kubernetes {version}: {error.message} "
                        f"at {'.'.join(map(str, error.path))}")
        checked.append(doc["kind"])
    assert len(checked) == len(k8s_documents()) - 1


def test_the_schema_check_rejects_a_wrong_manifest():
    deployment = next(doc for _, doc in k8s_documents() if doc["kind"] == "Deployment")
    wrong = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong, kubernetes_validate.latest_version(), strict=True)


def test_the_kustomization_uses_known_fields_only():
    """The library knows no Kustomization schema (it is kustomize's, not the API's): checked by hand."""
    kustomization = yaml.safe_load(read(K8S / "kustomization.yaml"))
    with pytest.raises(kubernetes_validate.SchemaNotFoundError):
        kubernetes_validate.validate(kustomization, kubernetes_validate.latest_version(), strict=True)
    assert kustomization["apiVersion"] == "kustomize.config.k8s.io/v1beta1"
    assert set(kustomization) <= KUSTOMIZATION_FIELDS
    assert all(set(image) <= {"name", "newName", "newTag", "digest"} for image in kustomization["images"])


def check_compose(path) -> subprocess.CompletedProcess:
    """check-jsonschema against the compose-spec schema it vendors (no download)."""
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
                           str(path)], capture_output=True, text=True, timeout=60)


def test_the_compose_file_is_valid_against_the_compose_specification():
    result = check_compose(DEPLOY / "docker-compose.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_check_rejects_a_wrong_file(tmp_path):
    wrong = compose()
    wrong["services"]["bot"]["depends_on"]["migrate"]["condition"] = "service_finished"
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(wrong), encoding="utf-8")
    result = check_compose(path)
    assert result.returncode == 1 and "service_finished" in result.stdout, result.stdout + result.stderr


# ---- variables ----------------------------------------------------------------------------------------


def test_runtime_variables_the_code_reads_are_documented():
    sources = [DEPLOY / "gunicorn.conf.py", *(ROOT / "bot" / "observability").glob("*.py")]
    read_by_code = {name for path in sources
                    for name in re.findall(r"(?:os\.environ\.get\(|os\.environ\[|_int\()\s*[\"']([A-Z][A-Z0-9_]+)", read(path))}
    assert read_by_code >= {"PORT", "KAM_WEB_WORKERS", "KAM_WEB_THREADS", "KAM_LOG_FORMAT", "KAM_LOG_LEVEL"}
    assert read_by_code - documented_variables() == set()


def test_every_variable_compose_and_kubernetes_set_is_a_setting_or_documented():
    known = settings_variables() | documented_variables()
    text = read(DEPLOY / "docker-compose.yml")
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text)) | set(env_example_keys())
    for where, container in kam_containers():
        env = container.get("environment") or {}
        used |= set(env) if isinstance(env, dict) else {e["name"] for e in env}
    for _, doc in k8s_documents():
        if doc["kind"] == "ConfigMap":
            used |= set(doc["data"])
        if doc["kind"] == "Secret":
            used |= set(doc["stringData"])
    assert used - known == set()


def test_the_env_example_lists_every_setting_and_commits_no_secret():
    keys = env_example_keys()
    assert settings_variables() - set(keys) == set()
    assert {k: v for k, v in keys.items() if k in SECRET_KEYS and v} == {}


def test_kubernetes_pods_take_settings_from_the_configmap_and_the_secret():
    names = {(doc["kind"], doc.get("metadata", {}).get("name")) for _, doc in k8s_documents()}
    secret = next(doc for _, doc in k8s_documents() if doc["kind"] == "Secret")
    assert {"KAM_DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"} <= set(secret["stringData"])
    for where, container in kam_containers():
        if where.startswith("compose"):
            continue
        refs = {("ConfigMap", e["configMapRef"]["name"]) if "configMapRef" in e else ("Secret", e["secretRef"]["name"])
                for e in container["envFrom"]}
        assert refs == {("ConfigMap", "kam-config"), ("Secret", "kam-secrets")} and refs <= names, where


# ---- commands ---------------------------------------------------------------------------------------------


def commands() -> dict[str, list[str]]:
    return {where: container["command"] for where, container in kam_containers()}


def test_every_command_is_a_real_kam_command_named_in_the_readme():
    readme = read(ROOT / "README.md")
    run = {" ".join(command) for command in commands().values()}
    assert run == {"kam db upgrade", "kam scheduler", "kam digest send", "kam remind send", " ".join(GUNICORN)}
    for command in run - {" ".join(GUNICORN)}:
        words = command.split()[1:]
        result = CliRunner().invoke(kam_cli, [*words, "--help"])
        assert result.exit_code == 0, f"{command}: {result.output}"
        assert f"`{command}`" in readme or f"`{command} " in readme, f"README does not name {command}"


def test_the_web_process_is_the_documented_gunicorn_command():
    assert all(command == GUNICORN for command in commands().values() if command[0] == "gunicorn")
    dockerfile = read(DEPLOY / "Dockerfile")
    assert f"CMD {GUNICORN!r}".replace("'", '"') in dockerfile
    assert "COPY deploy/gunicorn.conf.py /app/gunicorn.conf.py" in dockerfile
    for doc in (read(ROOT / "README.md"), read(ROOT / "docs" / "setup.md")):
        assert "gunicorn -c deploy/gunicorn.conf.py bot.wsgi:application" in doc
    from bot import wsgi

    assert callable(wsgi.application)


# ---- images, ports, probes ------------------------------------------------------------------------------------


def test_one_image_everywhere_tagged_with_the_project_version():
    image = f"kam-bot:{image_version()}"
    assert compose()["x-kam"]["image"] == "${KAM_IMAGE:-%s}" % image
    assert env_example_keys()["KAM_IMAGE"] == image
    assert {c["image"] for where, c in kam_containers() if not where.startswith("compose")} == {image}
    kustomization = yaml.safe_load(read(K8S / "kustomization.yaml"))
    assert kustomization["images"] == [{"name": "kam-bot", "newName": "kam-bot", "newTag": image_version()}]
    assert compose()["services"]["postgres"]["image"].startswith("postgres:16")


def gunicorn_default_port() -> int:
    return int(re.search(r"_int\('PORT', (\d+)\)", read(DEPLOY / "gunicorn.conf.py")).group(1))


def test_ports_line_up_from_gunicorn_to_the_ingress():
    port = gunicorn_default_port()
    dockerfile = read(DEPLOY / "Dockerfile")
    assert f"EXPOSE {port}" in dockerfile and f"PORT={port}" in dockerfile
    assert compose()["services"]["bot"]["ports"] == [f"${{KAM_HTTP_PORT:-{port}}}:{port}"]
    docs = {f"{doc['kind']}:{doc.get('metadata', {}).get('name')}": doc for _, doc in k8s_documents()}
    bot = docs["Deployment:kam-bot"]
    container = pod_spec(bot)["containers"][0]
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    assert {"name": "PORT", "value": str(port)} in container["env"]
    assert bot["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == str(port)
    service = docs["Service:kam-bot"]
    assert service["spec"]["selector"] == bot["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http"}]
    ingress = docs["Ingress:kam-bot"]
    [rule] = ingress["spec"]["rules"]
    [path] = rule["http"]["paths"]
    assert path["path"] == SLACK_PATH and path["backend"]["service"] == {"name": "kam-bot", "port": {"name": "http"}}
    manifest = yaml.safe_load(read(DEPLOY / "manifest.yml"))
    assert manifest["settings"]["event_subscriptions"]["request_url"] == f"https://{rule['host']}{SLACK_PATH}"


def test_probes_ask_paths_the_web_app_serves():
    bot = next(doc for _, doc in k8s_documents() if doc["kind"] == "Deployment" and doc["metadata"]["name"] == "kam-bot")
    container = pod_spec(bot)["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert {"/readyz", "/healthz", "/metrics"} <= set(PROBES)
    assert bot["spec"]["template"]["metadata"]["annotations"]["prometheus.io/path"] == "/metrics"
    healthcheck = re.search(r'HEALTHCHECK .*?CMD python -c "(.*?)"\n', read(DEPLOY / "Dockerfile"), re.S).group(1)
    assert "/healthz" in healthcheck
    compile(healthcheck, "HEALTHCHECK", "exec")


# ---- workloads ---------------------------------------------------------------------------------------------


def test_workloads_are_sized_unprivileged_and_the_bot_is_replicated():
    for _, doc in k8s_documents():
        if doc["kind"] not in POD_KINDS:
            continue
        spec = pod_spec(doc)
        assert spec["securityContext"]["runAsNonRoot"] is True, doc["metadata"]["name"]
        for container in spec["containers"]:
            assert {"requests", "limits"} <= set(container["resources"]), doc["metadata"]["name"]
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
        if doc["kind"] == "Deployment":
            labels = doc["spec"]["template"]["metadata"]["labels"]
            assert doc["spec"]["selector"]["matchLabels"].items() <= labels.items()
            assert doc["spec"]["replicas"] >= 2


def test_the_kustomization_applies_the_services_but_never_the_secret_template():
    resources = yaml.safe_load(read(K8S / "kustomization.yaml"))["resources"]
    assert all((K8S / name).exists() for name in resources)
    assert set(resources) == {"namespace.yml", "configmap.yml", "bot.yml", "scheduler.yml"}


def test_no_secret_is_committed():
    secret = next(doc for _, doc in k8s_documents() if doc["kind"] == "Secret")
    assert all("REPLACE_ME" in value for value in secret["stringData"].values())
    files = [*DEPLOY.rglob("*"), ROOT / "docs" / "setup.md", ROOT / ".env.example"]
    leaks = [str(path) for path in files if path.is_file() and REAL_SECRET.search(read(path))]
    assert leaks == []


@pytest.mark.parametrize("stage", [0, 1])
def test_the_dockerfile_builds_in_two_slim_stages_and_runs_unprivileged(stage):
    preamble, *stages = re.split(r"^FROM ", read(DEPLOY / "Dockerfile"), flags=re.M)
    assert len(stages) == 2
    assert re.search(r"^ARG BASE=python:3\.11-slim$", preamble, re.M)  # tests/image builds it on a stand-in too
    assert stages[stage].startswith("${BASE}")
    final = stages[1]
    assert re.search(r"^USER (\d+)", final, re.M).group(1) != "0"
    assert "COPY --from=build /opt/kam /opt/kam" in final
    assert not re.search(r"apt-get|gcc|build-essential|pip install", final)
    copied = re.findall(r"^COPY (?!--from)(\S+)", read(DEPLOY / "Dockerfile"), re.M)
    assert all((ROOT / path).exists() for path in copied)
