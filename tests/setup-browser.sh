#!/bin/sh
# Debian's Chromium and ChromeDriver, for the browser test of the auditors' site
# (tests/test_site.py), installed where they are missing. Where they cannot be installed (no
# apt-get, no root and no sudo without a password) this says so and the test is skipped with
# the same reason; nothing else of the suite needs them.
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "setup-browser: Chromium is missing and cannot be installed without root; the browser test will be skipped" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-browser: no apt-get here; install Chromium and ChromeDriver yourself, or the browser test is skipped" >&2
    exit 0
fi
echo "setup-browser: installing Debian's chromium and chromium-driver" >&2
$SUDO apt-get update -qq >/dev/null 2>&1
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 \
    || echo "setup-browser: apt-get could not install chromium; the browser test will be skipped" >&2
exit 0
