"""The deployment files: every setting documented, nginx's configuration valid, and the
static error pages nginx serves in the site's design."""

import os
import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.cluster import Cluster

DEPLOY = settings.BASE_DIR / "deploy"
READS = re.compile(r"""(?:environ\.get|env_flag|env_list)\(\s*["']([A-Z_]+)["']""")


def test_the_example_environment_names_every_variable_the_site_reads():
    read = set()
    for path in (settings.BASE_DIR / "config").glob("*.py"):
        read |= set(READS.findall(path.read_text()))
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "GUNICORN_THREADS"} <= read
    example = (DEPLOY / "guide.env.example").read_text()
    documented = set(re.findall(r"^#? ?([A-Z_]+)=", example, flags=re.MULTILINE))
    assert read - documented == set()


def test_nginx_retries_only_what_is_safe_to_repeat():
    proxy = (DEPLOY / "nginx" / "guide-proxy.conf").read_text()
    lines = [line.split("#")[0] for line in proxy.splitlines()]
    (retry,) = [line for line in lines if line.startswith("proxy_next_upstream ")]
    assert retry.split() == [
        "proxy_next_upstream",
        "error",
        "timeout",
        "http_502",
        "http_503",
        "http_504;",
    ]
    assert not any("non_idempotent" in line for line in lines)
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in proxy
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxy


def test_the_error_pages_are_the_sites_and_self_contained(tmp_path):
    call_command("error_pages", "--output", str(tmp_path), verbosity=0)
    pages = sorted(path.name for path in tmp_path.iterdir())
    assert pages == ["413.html", "414.html", "431.html", "502.html", "504.html"]
    for name in pages:
        html = (tmp_path / name).read_text()
        assert f"Error {name[:3]}" in html
        assert 'class="site-header"' in html and 'class="site-footer"' in html
        assert "<style>" in html and "--" in html  # the stylesheet, inline
        assert "<script" not in html and 'rel="stylesheet"' not in html


@pytest.mark.skipif(
    not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")),
    reason="nginx is not installed (apt-get install -y nginx)",
)
def test_the_cluster_configuration_is_valid_nginx(tmp_path):
    cluster = Cluster(nodes=3, port=18999, var_dir=tmp_path)
    (tmp_path / "nginx" / "tmp").mkdir(parents=True)
    path = cluster.write_nginx_conf()
    text = path.read_text()
    assert text.count("server 127.0.0.1:") == 3
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path / "nginx"), "-c", str(path), "-e", "/dev/stderr"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
