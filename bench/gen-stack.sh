#!/bin/sh
# Writes a synthetic stack of $1 services to stdout: pods of ten services,
# each with an image, ports, environment with interpolation, a volume, a
# health check, start-up ordering and resources, like the examples.
n=${1:?usage: gen-stack.sh SERVICES}
awk -v n="$n" 'BEGIN {
	print "import \"std/postgres\"\n"
	print "stack bench {"
	print "  description = \"synthetic stack of " n " services\""
	print "  secret db-password { from = env(\"DB_PASSWORD\") }"
	print "  volume shared {}"
	for (i = 0; i < n; i++) {
		if (i % 10 == 0) {
			if (i > 0) print "  }"
			printf "  pod p%d {\n", i / 10
		}
		printf "    service svc-%d {\n", i
		printf "      image = \"registry.example.org/bench/svc-%d:1.%d.0\"\n", i, i % 7
		printf "      replicas = %d\n", 1 + i % 3
		printf "      ports = [%d, %d]\n", 8000 + i % 1000, 9000 + i % 1000
		print  "      env {"
		printf "        SERVICE_NAME = \"svc-%d\"\n", i
		print  "        LOG_LEVEL = \"info\""
		if (i > 0) printf "        UPSTREAM = \"http://${svc-%d.host}:${svc-%d.port}/api\"\n", i - 1, i - 1
		print  "        DB_PASSWORD = secret.db-password"
		print  "      }"
		printf "      volume data = \"/var/lib/svc-%d\"\n", i
		print  "      healthcheck { test = [\"CMD\", \"curl\", \"-f\", \"http://localhost/health\"], interval = 10s, retries = 5 }"
		if (i > 0) printf "      after = [svc-%d started]\n", i - 1
		print  "      resources { cpu = 0.5, memory = 256Mi }"
		print  "    }"
	}
	if (n > 0) print "  }"
	print "}"
}'
