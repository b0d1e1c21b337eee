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
function pkl_service(i,   p) {
	p = 8000 + i % 1000
	printf "          [\"svc-%d\"] = (base) {\n", i
	printf "            image = \"registry.example.org/bench/svc-%d:1.%d.0\"\n", i, i % 7
	printf "            expose = new Listing { \"%d\"; \"%d\" }\n", p, 9000 + i % 1000
	print  "            environment = new Mapping {"
	printf "              [\"SERVICE_NAME\"] = \"svc-%d\"\n", i
	print  "              [\"LOG_LEVEL\"] = \"info\""
	if (i > 0) printf "              [\"UPSTREAM\"] = \"http://svc-%d:%d/api\"\n", i - 1, 8000 + (i - 1) % 1000
	print  "              [\"DB_PASSWORD\"] = \"${DB_PASSWORD:?DB_PASSWORD is not set}\""
	print  "            }"
	printf "            volumes = new Listing { \"svc-%d-data:/var/lib/svc-%d\" }\n", i, i
	print  "            healthcheck { test = new Listing { \"CMD\"; \"curl\"; \"-f\"; \"http://localhost/health\" }; interval = \"10s\"; retries = 5 }"
	if (i > 0) printf "            depends_on = new Mapping { [\"svc-%d\"] { condition = \"service_started\" } }\n", i - 1
	printf "            deploy { replicas = %d; resources { limits { cpus = \"0.5\"; memory = \"256m\" } } }\n", 1 + i % 3
	print  "          }"
}
function jsonnet_service(i,   p) {
	p = 8000 + i % 1000
	printf "      \"svc-%d\": base {\n", i
	printf "        image: \"registry.example.org/bench/svc-%d:1.%d.0\",\n", i, i % 7
	printf "        expose: [\"%d\", \"%d\"],\n", p, 9000 + i % 1000
	print  "        environment: {"
	printf "          SERVICE_NAME: \"svc-%d\",\n", i
	print  "          LOG_LEVEL: \"info\","
	if (i > 0) printf "          UPSTREAM: \"http://svc-%d:%d/api\",\n", i - 1, 8000 + (i - 1) % 1000
	print  "          DB_PASSWORD: \"${DB_PASSWORD:?DB_PASSWORD is not set}\","
	print  "        },"
	printf "        volumes: [\"svc-%d-data:/var/lib/svc-%d\"],\n", i, i
	print  "        healthcheck+: { test: [\"CMD\", \"curl\", \"-f\", \"http://localhost/health\"], interval: \"10s\", retries: 5 },"
	if (i > 0) printf "        depends_on: { \"svc-%d\": { condition: \"service_started\" } },\n", i - 1
	printf "        deploy: { replicas: %d, resources: { limits: { cpus: \"0.5\", memory: \"256m\" } } },\n", 1 + i % 3
	print  "      },"
}
function pod(k, first, last,   i) {
	if (lang == "pkl") {
		printf "    [\"docker-compose-p%d.yml\"] {\n", k
		print  "      value = new Dynamic {"
		print  "        services = new Mapping {"
		for (i = first; i <= last; i++) pkl_service(i)
		print  "        }"
		print  "        volumes = new Mapping {"
		for (i = first; i <= last; i++) printf "          [\"svc-%d-data\"] = new Mapping {}\n", i
		print  "        }"
		print  "      }"
		print  "      renderer = new YamlRenderer {}"
		print  "    }"
	} else {
		printf "  \"docker-compose-p%d.yml\": {\n", k
		print  "    services: {"
		for (i = first; i <= last; i++) jsonnet_service(i)
		print  "    },"
		print  "    volumes: {"
		for (i = first; i <= last; i++) printf "      \"svc-%d-data\": {},\n", i
		print  "    },"
		print  "  },"
	}
}
BEGIN {
	if (lang == "pkl") {
		print "local base = new Dynamic {"
		print "  restart = \"unless-stopped\""
		print "  healthcheck { timeout = \"30s\"; start_period = \"0s\" }"
		print "}"
		print "output {"
		print "  files {"
	} else {
		print "local base = {"
		print "  restart: \"unless-stopped\","
		print "  healthcheck: { timeout: \"30s\", start_period: \"0s\" },"
		print "};"
		print "{"
	}
	for (k = 0; k * 10 < n; k++)
		pod(k, k * 10, (k * 10 + 9 < n ? k * 10 + 9 : n - 1))
	if (lang == "pkl") print "  }\n}"
	else print "}"
}'
