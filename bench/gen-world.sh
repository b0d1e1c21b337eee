#!/bin/sh
# Writes the semantic benchmark: a stack of $1 services (gen-stack.sh), a
# catalogue of $2 products with their blocks and workflows, and a fleet of
# $3 devices with modules and deployments, to stdout.  The modules are the
# wasmiot example's binaries, which must be copied beside the output.
set -eu
here=$(dirname "$0")
sh "$here/gen-stack.sh" "$1"
awk -v n="$2" 'BEGIN {
	print "\ncatalog bench {"
	for (i = 0; i < 20; i++)
		printf "  resource_type rt_%d { description = \"resource %d\" }\n", i, i
	for (i = 0; i < n; i++) {
		printf "  block B%d {\n    tag = \"B%d\"\n    description = \"block %d\"\n", i, i % 100000, i
		printf "    resources = [rt_%d, rt_%d]\n", i % 20, (i + 7) % 20
		if (i > 0) printf "    depends_on = [B%d]\n", i - 1
		print "  }"
		printf "  product P%d {\n    type = \"P%d\"\n    tag = \"P%d\"\n    description = \"product %d\"\n    root = B%d\n", i, i, i % 100000, i, i
		printf "    fixed_inputs { speed = \"%d\" }\n  }\n", (i % 4 + 1) * 1000
		printf "  workflow create_p%d { target = create, product = P%d }\n", i, i
		printf "  workflow terminate_p%d { target = terminate, product = P%d }\n", i, i
		printf "  workflow modify_p%d { target = modify, product = P%d, usable_in = [active] }\n", i, i
	}
	print "  task nightly { description = \"validate all\" }"
	print "  schedule nightly-run { run = nightly, cron = \"0 3 * * *\" }"
	print "}"
}'
awk -v n="$3" 'BEGIN {
	print "\nfleet bench {"
	print "  package_url = \"http://orchestrator:3000/files/bench\""
	print "  module cam {"
	print "    wasm = \"camera-capture.wasm\""
	print "    export take_image() -> file(\"image/jpeg\") {"
	print "      mount image { stage = output, path = \"image.jpeg\", media_type = \"image/jpeg\" }"
	print "    }"
	print "  }"
	print "  module strip {"
	print "    wasm = \"image-processing.wasm\""
	print "    export strip_metadata(img: file(\"image/jpeg\")) -> file(\"image/jpeg\") {"
	print "      mount input { stage = execution, path = \"input.jpeg\", media_type = \"image/jpeg\" }"
	print "      mount output { stage = output, path = \"output.jpeg\", media_type = \"image/jpeg\" }"
	print "    }"
	print "  }"
	for (i = 0; i < n; i++)
		printf "  device d%d { address = \"10.%d.%d.%d:5000\", interfaces = [takeImageDynamicSize, path_open, fd_read, fd_write, fd_close, print], memory = 512Mi }\n", i, int(i / 65536) % 256, int(i / 256) % 256, i % 256
	for (i = 0; i < n; i += 10)
		printf "  deployment dep%d { cam.take_image on d%d else d%d -> strip.strip_metadata on any }\n", i, i, i + 1
	print "}"
}'
