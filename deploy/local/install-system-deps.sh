#!/usr/bin/env bash
# Installs the Debian packages the system and its tests need, only those missing:
# RabbitMQ (private nodes with the federation plugin), PostgreSQL 15 (private clusters),
# LibreOffice Writer and metric-compatible fonts (DOCX -> PDF), Chromium (browser tests),
# docker-compose (validates the compose files), poppler-utils (renders PDF pages in
# tests), and uv (the Python workspace tool).
set -euo pipefail

packages=(
  rabbitmq-server
  postgresql-15
  libreoffice-writer-nogui
  fonts-liberation2
  chromium
  docker-compose
  poppler-utils
)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  # Package scripts must not start system services: the project runs its own nodes.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
    "${sudo_cmd[@]}" chmod +x "$policy"
    trap '"${sudo_cmd[@]}" rm -f "$policy"' EXIT
  fi
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v uv >/dev/null 2>&1; then
  echo "Installing uv"
  python3 -m pip install --quiet "uv==0.13.9"
fi
