#!/bin/sh
# bench/peers/gen-declared.sh N pkl|jsonnet - writes to stdout a Pkl or
# Jsonnet program that declares the N services of bench/gen-stack.sh one by
# one, as bench/gen-stack.sh declares them to orchc: what a repository that
# describes its services in that tool holds, rather than a loop that makes
# them up (gen.pkl, gen.jsonnet).  What orchc supplies as a default (the
# restart policy, the health check's timeout and start period) comes from
# one shared object the services amend, the idiom of both languages.  The
# program writes the same compose files, one per pod of ten.
n=${1:?usage: gen-declared.sh SERVICES pkl|jsonnet}
lang=${2:?usage: gen-declared.sh SERVICES pkl|jsonnet}
case $lang in pkl|jsonnet) ;; *) echo "gen-declared.sh: want pkl or jsonnet, not '$lang'" >&2; exit 2 ;; esac
awk -v n="$n" -v lang="$lang" '
# The services are written once, through emitters of either syntax.
function line(s) { printf "%*s%s\n", 2 * depth, "", s }
function str(s) { return "\"" s "\"" }
function key(k) { return lang == "pkl" ? "[" str(k) "]" : str(k) }
function field(k, v) { line(lang == "pkl" ? k " = " v : k ": " v ",") }
function entry(k, v) { line(lang == "pkl" ? key(k) " = " v : key(k) ": " v ",") }
function list(a, b, c, d,   v) {
	v = str(a) (b == "" ? "" : SEP str(b)) (c == "" ? "" : SEP str(c)) (d == "" ? "" : SEP str(d))
	return lang == "pkl" ? "new Listing { " v " }" : "[" v "]"
}
# nest(k): a nested object, amending the one in base if any; nest_map(k): a
# mapping; nest_entry(k, base): an entry of a mapping, amending base if given.
function nest(k) { line(lang == "pkl" ? k " {" : k "+: {"); depth++ }
function nest_map(k) { line(lang == "pkl" ? k " = new Mapping {" : k ": {"); depth++ }
function nest_entry(k, base) {
	if (base == "") line(lang == "pkl" ? key(k) " {" : key(k) ": {")
	else line(lang == "pkl" ? key(k) " = (" base ") {" : key(k) ": " base " {")
	depth++
}
function unnest() { depth--; line(lang == "pkl" ? "}" : "},") }
function service(i) {
	nest_entry("svc-" i, "base")
	field("image", str("registry.example.org/bench/svc-" i ":1." i % 7 ".0"))
	field("expose", list(8000 + i % 1000, 9000 + i % 1000))
	nest_map("environment")
	entry("SERVICE_NAME", str("svc-" i))
	entry("LOG_LEVEL", str("info"))
	if (i > 0) entry("UPSTREAM", str("http://svc-" i - 1 ":" 8000 + (i - 1) % 1000 "/api"))
	entry("DB_PASSWORD", str("${DB_PASSWORD:?DB_PASSWORD is not set}"))
	unnest()
	field("volumes", list("svc-" i "-data:/var/lib/svc-" i))
	nest("healthcheck")
	field("test", list("CMD", "curl", "-f", "http://localhost/health"))
	field("interval", str("10s"))
	field("retries", 5)
	unnest()
	if (i > 0) {
		nest_map("depends_on")
		nest_entry("svc-" i - 1)
		field("condition", str("service_started"))
		unnest()
		unnest()
	}
	nest("deploy")
	field("replicas", 1 + i % 3)
	nest("resources")
	nest("limits")
	field("cpus", str("0.5"))
	field("memory", str("256m"))
	unnest()
	unnest()
	unnest()
	unnest()
}
function pod(k, first, last,   i) {
	nest_entry("docker-compose-p" k ".yml")
	if (lang == "pkl") { line("value = new Dynamic {"); depth++ }
	nest_map("services")
	for (i = first; i <= last; i++) service(i)
	unnest()
	nest_map("volumes")
	for (i = first; i <= last; i++) entry("svc-" i "-data", lang == "pkl" ? "new Mapping {}" : "{}")
	unnest()
	if (lang == "pkl") { unnest(); field("renderer", "new YamlRenderer {}") }
	unnest()
}
BEGIN {
	SEP = lang == "pkl" ? "; " : ", "
	if (lang == "pkl") {
		print "local base = new Dynamic {"
		print "  restart = \"unless-stopped\""
		print "  healthcheck { timeout = \"30s\"; start_period = \"0s\" }"
		print "}"
		print "output {"
		print "  files {"
		depth = 2
	} else {
		print "local base = {"
		print "  restart: \"unless-stopped\","
		print "  healthcheck: { timeout: \"30s\", start_period: \"0s\" },"
		print "};"
		print "{"
		depth = 1
	}
	for (k = 0; k * 10 < n; k++)
		pod(k, k * 10, (k * 10 + 9 < n ? k * 10 + 9 : n - 1))
	print (lang == "pkl" ? "  }\n}" : "}")
}'
