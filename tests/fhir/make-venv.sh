# Sourced by this folder's set-up scripts: make_venv DIR makes a Python
# virtual environment at DIR, adding python3-venv through apt (as root, or
# through sudo -n) where a Debian or Ubuntu machine ships venv without
# ensurepip (a fresh machine may have no package lists yet).
make_venv() {
  local venv=$1
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >&2 2>/dev/null; then
    rm -rf "$venv"
    if [ "$(id -u)" -eq 0 ]; then apt=(apt-get); else apt=(sudo -n apt-get); fi
    export DEBIAN_FRONTEND=noninteractive
    { "${apt[@]}" install -y python3-venv || { "${apt[@]}" update && "${apt[@]}" install -y python3-venv; }; } >&2
    python3 -m venv "$venv" >&2
  fi
}
