#!/bin/sh
# Installs tend for a team on this server, so that the team's data is
# reached only through tend (see "A team install" in README.md):
#
#   - a group (default `tend`) that no person is a member of;
#   - the data folder owned by root and that group, mode 2770: nobody else
#     may enter it, so nobody can open the database with sqlite3, cat or cp;
#   - the binary installed setgid to the group: running tend, a coordinator
#     reaches the database, through tend's rules only;
#   - PREFIX/etc/tend/team.toml (root's, 0644) naming the database, the one
#     place an installed tend takes it from;
#   - the database made, its first admin the login given; with --encrypt
#     (a tend built with --features encryption), encrypted with SQLCipher,
#     its key in DATA/tend.db.key, root's and the group's to read (0640);
#   - with --pam (a tend built with --features pam), /etc/pam.d/tend, so
#     that the screen unlocks with the system password.
#
# Run as root, from the repository after `cargo build --release`:
#
#   sudo scripts/install-team.sh --admin jdoe
#   sudo scripts/install-team.sh --admin jdoe --group tend --prefix /usr/local \
#        --data /srv/tend --binary target/release/tend
#
# Then the admin adds the team: tend admin user add LOGIN --role coordinator --team north
set -eu

group=tend
prefix=/usr/local
data=/srv/tend
binary=target/release/tend
admin=
encrypt=
pam=

usage() {
    echo "usage: $0 --admin LOGIN [--group NAME] [--prefix DIR] [--data DIR] [--binary FILE] [--encrypt] [--pam]" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --admin) admin=${2-}; shift 2 ;;
    --group) group=${2-}; shift 2 ;;
    --prefix) prefix=${2-}; shift 2 ;;
    --data) data=${2-}; shift 2 ;;
    --binary) binary=${2-}; shift 2 ;;
    --encrypt) encrypt=--encrypt; shift ;;
    --pam) pam=yes; shift ;;
    *) usage ;;
    esac
done
[ -n "$admin" ] || usage
case "$data" in
*'"'* | *'\'*) echo "$0: --data must not hold quotes or backslashes" >&2; exit 2 ;;
/*) ;;
*) echo "$0: --data must be an absolute path" >&2; exit 2 ;;
esac
if [ "$(id -u)" -ne 0 ]; then
    echo "$0: run as root (it makes a group, a folder and a setgid binary)" >&2
    exit 1
fi
if [ ! -x "$binary" ]; then
    echo "$0: no tend binary at $binary: run cargo build --release first, or give --binary" >&2
    exit 1
fi
if ! id "$admin" >/dev/null 2>&1; then
    echo "$0: there is no account $admin on this server" >&2
    exit 1
fi

getent group "$group" >/dev/null || groupadd --system "$group"
# The group is tend's alone: a person in it could open the database with
# sqlite3, past every rule tend keeps.
members=$(getent group "$group" | cut -d: -f4)
if [ -n "$members" ]; then
    echo "$0: the group $group has members ($members): it must have none (a member could read the database directly)" >&2
    exit 1
fi

# The folder first: the database is made inside it, and takes its group.
install -d -o root -g "$group" -m 2770 "$data"
install -d -o root -g root -m 0755 "$prefix/bin" "$prefix/etc/tend"
install -o root -g "$group" -m 2755 "$binary" "$prefix/bin/tend"
settings="$prefix/etc/tend/team.toml"
printf 'database = "%s/tend.db"\n' "$data" >"$settings.new"
chown root:root "$settings.new"
chmod 0644 "$settings.new"
mv "$settings.new" "$settings"

if [ -e "$data/tend.db" ]; then
    echo "kept the database already in $data/tend.db"
else
    # Run as root through the installed binary: it opens the team's
    # database from team.toml, and leaves it the group's (0660).
    # shellcheck disable=SC2086 # $encrypt is one word or none
    env -u TEND_DB -u TEND_CONFIG -u TEND_NOW "$prefix/bin/tend" admin init --admin "$admin" $encrypt
fi
if [ -n "$pam" ]; then
    if [ -e /etc/pam.d/tend ]; then
        echo "kept /etc/pam.d/tend as it is"
    else
        printf '# tend: unlocking the screen with the system password\n@include common-auth\n@include common-account\n' >/etc/pam.d/tend
        chmod 0644 /etc/pam.d/tend
    fi
fi
echo "installed $prefix/bin/tend (setgid $group) for the database in $data"
