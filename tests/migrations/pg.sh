#!/bin/sh
# tests/migrations/pg.sh - a throwaway PostgreSQL cluster for the migration
# tests.
#
#   sh tests/migrations/pg.sh available   exit 0 if a cluster can be started
#                                         here (server binaries found), else 1
#   sh tests/migrations/pg.sh start DIR   new cluster in DIR, an existing empty
#                                         directory; prints PGPORT=NNNN and
#                                         writes the same line to DIR/port
#   sh tests/migrations/pg.sh stop DIR    fast shutdown; DIR is left for the
#                                         caller to delete
#
# Sourced (`. tests/migrations/pg.sh`) it only defines pg_available,
# pg_start DIR (which also sets and exports PGPORT) and pg_stop DIR; they
# return instead of exiting, and every other name it uses starts with _pg_.
#
# The cluster: data in DIR/data, server log in DIR/log, superuser postgres
# with trust authentication, UTF8 with the C.UTF-8 locale, fsync off. It
# listens on 127.0.0.1 only, on the first free port from 55432 up, and has
# its unix socket in DIR. Connect with
#
#   psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 ...
#
# The binaries come from the newest /usr/lib/postgresql/*/bin, else from
# `pg_config --bindir`, else from PATH. PostgreSQL refuses to run as root, so
# under root initdb and pg_ctl run as the user postgres, which is given DIR.

_pg_err() {
	echo "pg.sh: $*" >&2
}

# Sets _pg_bin to the directory holding initdb, pg_ctl and postgres.
_pg_find_bin() {
	_pg_bin=
	_pg_best=-1
	for _pg_d in /usr/lib/postgresql/*/bin; do
		if [ ! -x "$_pg_d/initdb" ] || [ ! -x "$_pg_d/pg_ctl" ] || [ ! -x "$_pg_d/postgres" ]; then
			continue
		fi
		_pg_v=${_pg_d%/bin}
		_pg_v=${_pg_v##*/}
		_pg_v=${_pg_v%%.*}
		case $_pg_v in '' | *[!0-9]*) continue ;; esac
		if [ "$_pg_v" -gt "$_pg_best" ]; then
			_pg_best=$_pg_v
			_pg_bin=$_pg_d
		fi
	done
	[ -n "$_pg_bin" ] && return 0
	if command -v pg_config > /dev/null 2>&1; then
		_pg_d=$(pg_config --bindir 2> /dev/null)
		if [ -n "$_pg_d" ] && [ -x "$_pg_d/initdb" ] && [ -x "$_pg_d/pg_ctl" ] && [ -x "$_pg_d/postgres" ]; then
			_pg_bin=$_pg_d
			return 0
		fi
	fi
	if _pg_d=$(command -v initdb 2> /dev/null); then
		_pg_d=${_pg_d%/*}
		if [ -x "$_pg_d/pg_ctl" ] && [ -x "$_pg_d/postgres" ]; then
			_pg_bin=$_pg_d
			return 0
		fi
	fi
	return 1
}

_pg_is_root() {
	[ "$(id -u)" -eq 0 ]
}

# Runs a command as the user that owns the cluster: postgres under root,
# else the caller. From / so that user postgres need not reach the caller's
# working directory (paths given are absolute).
_pg_run() {
	if ! _pg_is_root; then
		(cd / && "$@")
	elif command -v runuser > /dev/null 2>&1; then
		(cd / && runuser -u postgres -- "$@")
	else
		_pg_cmd=
		for _pg_a in "$@"; do
			_pg_cmd="$_pg_cmd '$(printf '%s' "$_pg_a" | sed "s/'/'\\\\''/g")'"
		done
		(cd / && su -s /bin/sh -c "exec $_pg_cmd" postgres)
	fi
}

_pg_need_user() {
	if _pg_is_root && ! id postgres > /dev/null 2>&1; then
		_pg_err "running as root, but there is no user postgres to run the server as (PostgreSQL refuses to run as root)"
		return 1
	fi
}

# Whether some socket already listens on TCP port $1 (Linux; elsewhere the
# failing start says so).
_pg_port_busy() {
	_pg_hex=$(printf '%04X' "$1")
	for _pg_f in /proc/net/tcp /proc/net/tcp6; do
		[ -r "$_pg_f" ] || continue
		awk -v p=":$_pg_hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' "$_pg_f" &&
			return 0
	done
	return 1
}

_pg_absdir() {
	if [ ! -d "$1" ]; then
		_pg_err "$1: no such directory"
		return 1
	fi
	_pg_dir=$(cd "$1" && pwd -P)
}

pg_available() {
	if ! _pg_find_bin; then
		_pg_err "no PostgreSQL server binaries (initdb, pg_ctl, postgres) in /usr/lib/postgresql/*/bin, pg_config --bindir or PATH"
		return 1
	fi
	_pg_need_user
}

pg_start() {
	if [ $# -ne 1 ]; then
		_pg_err "usage: pg.sh start DIR"
		return 2
	fi
	_pg_absdir "$1" || return 1
	if [ -n "$(ls -A "$_pg_dir")" ]; then
		_pg_err "$_pg_dir is not empty"
		return 1
	fi
	pg_available || return 1
	if _pg_is_root; then
		chown postgres "$_pg_dir" || return 1
		if ! _pg_run test -w "$_pg_dir"; then
			_pg_err "user postgres cannot write to $_pg_dir (is a parent directory closed to it?)"
			return 1
		fi
	fi

	if ! _pg_run "$_pg_bin/initdb" -D "$_pg_dir/data" -U postgres -A trust \
		-E UTF8 --locale=C.UTF-8 --no-sync > "$_pg_dir/initdb.log" 2>&1; then
		_pg_err "initdb failed:"
		tail -n 20 "$_pg_dir/initdb.log" >&2
		return 1
	fi

	# A socket path is limited to 107 bytes; in a deeper DIR, TCP only.
	_pg_sock=$(printf '%s' "$_pg_dir" | sed "s/'/''/g")
	if [ ${#_pg_dir} -gt 90 ]; then
		_pg_err "$_pg_dir is too long a path for a unix socket; TCP only"
		_pg_sock=
	fi
	cat >> "$_pg_dir/data/postgresql.conf" << EOF

# pg.sh: a throwaway test cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = '$_pg_sock'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

	_pg_port=55432
	while [ "$_pg_port" -lt 55532 ]; do
		if ! _pg_port_busy "$_pg_port"; then
			rm -f "$_pg_dir/log"
			if _pg_run "$_pg_bin/pg_ctl" -D "$_pg_dir/data" -l "$_pg_dir/log" \
				-o "-p $_pg_port" -w -t 30 -s start > /dev/null 2> "$_pg_dir/pg_ctl.err"; then
				PGPORT=$_pg_port
				export PGPORT
				echo "PGPORT=$PGPORT" > "$_pg_dir/port"
				echo "PGPORT=$PGPORT"
				return 0
			fi
			# Lost a race for the port: try the next one. Anything else is fatal.
			if ! grep -q -e 'could not bind' -e 'could not create any TCP/IP sockets' \
				-e 'Address already in use' "$_pg_dir/log" 2> /dev/null; then
				_pg_err "the server did not start:"
				cat "$_pg_dir/pg_ctl.err" >&2
				[ -f "$_pg_dir/log" ] && tail -n 20 "$_pg_dir/log" >&2
				_pg_run "$_pg_bin/pg_ctl" -D "$_pg_dir/data" -m immediate -s stop > /dev/null 2>&1
				return 1
			fi
		fi
		_pg_port=$((_pg_port + 1))
	done
	_pg_err "no free port in 55432-55531"
	return 1
}

pg_stop() {
	if [ $# -ne 1 ]; then
		_pg_err "usage: pg.sh stop DIR"
		return 2
	fi
	_pg_absdir "$1" || return 1
	# Nothing runs there (never started, or already stopped): done.
	[ -f "$_pg_dir/data/postmaster.pid" ] || return 0
	pg_available || return 1
	_pg_run "$_pg_bin/pg_ctl" -D "$_pg_dir/data" -m fast -w -t 30 -s stop > /dev/null
}

# Run, not sourced: $0 is this script.
case ${0##*/} in
pg.sh)
	case ${1-} in
	available) shift && pg_available "$@" ;;
	start) shift && pg_start "$@" ;;
	stop) shift && pg_stop "$@" ;;
	*)
		_pg_err "usage: pg.sh available | start DIR | stop DIR"
		exit 2
		;;
	esac
	exit
	;;
esac
