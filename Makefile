# orchc - the orch compiler.  GNU make; no configure step.
#
#   make                 build bin/orchc and bin/orch-apply (installs missing
#                        -dev packages first)
#   make run             the README's main job: check every example, build the
#                        ESnet catalog and orch-apply it into build/host
#   make test            the whole test suite
#   make check-asan      the test suite under AddressSanitizer + UBSan
#   make MODE=asan|debug|cov   build into build/$(MODE)/
#   make fuzz            run the libFuzzer target for FUZZ_SECONDS (clang);
#                        FUZZ_TARGET=wasm fuzzes the WebAssembly reader,
#                        FUZZ_TARGET=bundle orch-apply's bundle reader,
#                        FUZZ_TARGET=lock model.lock.json and migrations.sum
#   make bench           benchmark check on generated programs
#   make install PREFIX=/usr/local
#
# CFLAGS and LDFLAGS are left to the user; project flags live below.

MODE ?= release
PREFIX ?= /usr/local
CC ?= cc
FUZZ_SECONDS ?= 60
FUZZ_TARGET ?= compile

PKGS = yaml-0.1 jansson libpcre2-8 cmocka sqlite3 libpq libcurl
DEB_PKGS = pkg-config libyaml-dev libjansson-dev libpcre2-dev libcmocka-dev \
           libsqlite3-dev libpq-dev libcurl4-openssl-dev

WARN = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wmissing-declarations -Wwrite-strings -Wundef \
       -Wold-style-definition -Wformat=2 -Wimplicit-fallthrough

MODE_FLAGS_release = -O2 -g -DNDEBUG
MODE_FLAGS_debug   = -O0 -g
MODE_FLAGS_asan    = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
                     -fno-omit-frame-pointer
MODE_FLAGS_cov     = -O0 -g --coverage
MODE_FLAGS_fuzz    = -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
                     -fno-sanitize-recover=all -fno-omit-frame-pointer

ifeq ($(filter $(MODE),release debug asan cov fuzz),)
$(error MODE must be release, debug, asan, cov or fuzz (got '$(MODE)'))
endif

BUILD = build/$(MODE)
ifeq ($(MODE),release)
BIN = bin
else
BIN = $(BUILD)/bin
endif

# Package flags are found once and cached; the rule installs what is missing.
CONFIG = build/config.mk
ifeq ($(filter clean deps,$(MAKECMDGOALS)),)
include $(CONFIG)
endif

ALL_CFLAGS = $(WARN) $(MODE_FLAGS_$(MODE)) -pthread -D_POSIX_C_SOURCE=200809L \
             -DORCHC_STDLIB_DIR='"$(PREFIX)/share/orchc/stdlib"' \
             -fvisibility=hidden -Icompiler -Itargets $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(MODE_FLAGS_$(MODE)) -pthread $(LDFLAGS)

LIB_SRC = compiler/arena.c compiler/str.c compiler/intern.c compiler/source.c \
          compiler/diag.c compiler/lex.c compiler/kinds.c compiler/ast.c \
          compiler/parse.c compiler/orchc.c
LIB_SRC += compiler/cron.c compiler/model_json.c
LIB_SRC += compiler/types.c compiler/module.c compiler/scope.c compiler/eval.c \
           compiler/lower.c compiler/profile.c compiler/check_stack.c \
           compiler/check_catalog.c compiler/check_fleet.c compiler/check_wasm.c \
           compiler/fleet.c compiler/variant.c compiler/wasm_binary.c compiler/sema.c
LIB_SRC += compiler/sha256.c compiler/uuid5.c compiler/sha256_x86.c compiler/yaml_out.c compiler/yaml_direct.c compiler/yaml_libyaml.c compiler/paths.c compiler/output.c \
           compiler/writer.c compiler/manifest.c compiler/build.c
LIB_SRC += targets/target.c targets/text.c targets/pods.c targets/compose_text.c targets/compose_names.c targets/compose.c targets/kubernetes.c \
          targets/catalog_rows.c targets/catalog_lock.c targets/catalog_diff.c targets/py_text.c \
          targets/migration_files.c targets/registry_py.c targets/migrations.c targets/wasm.c \
          targets/deploy.c
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/schema_src.o $(BUILD)/base_schemas.o
LIB = $(BUILD)/liborchc.a
ORCHC = $(BIN)/orchc

# orch-apply links the base layer and jansson, sqlite, libpq and libcurl:
# never the parser, the checker or the targets.
BASE_SRC = compiler/arena.c compiler/str.c compiler/sha256.c compiler/sha256_x86.c
APPLY_SRC = apply/main.c apply/bundle.c apply/rootfs.c apply/state.c apply/db.c \
            apply/db_sqlite.c apply/db_postgres.c apply/effects.c apply/plan.c apply/execute.c
APPLY_OBJ = $(APPLY_SRC:%.c=$(BUILD)/%.o) $(BASE_SRC:%.c=$(BUILD)/%.o)
ORCH_APPLY = $(BIN)/orch-apply

UNIT_TESTS = base lex parse diag
UNIT_TESTS += cron model_json sema sha256 yaml_out catalog wasm
UNIT_BIN = $(UNIT_TESTS:%=$(BUILD)/tests/test_%) $(BUILD)/tests/test_bundle
FUZZ_TARGETS = compile wasm bundle lock
REPLAY = $(BUILD)/tests/fuzz_compile_replay
REPLAY_WASM = $(BUILD)/tests/fuzz_wasm_replay
REPLAY_BUNDLE = $(BUILD)/tests/fuzz_bundle_replay
REPLAY_LOCK = $(BUILD)/tests/fuzz_lock_replay

.PHONY: all run test test-deps check check-asan deps fuzz bench install clean headercheck \
        lint man update-golden
.DEFAULT_GOAL := all
.SECONDARY:

all: $(ORCHC) $(ORCH_APPLY)

$(CONFIG): Makefile
	@$(MAKE) --no-print-directory deps
	@mkdir -p build
	@printf 'PKG_CFLAGS = %s\nPKG_LIBS = %s\nTEST_LIBS = %s\nAPPLY_CFLAGS = %s\nAPPLY_LIBS = %s\n' \
	  "$$(pkg-config --cflags yaml-0.1 jansson libpcre2-8)" \
	  "$$(pkg-config --libs yaml-0.1 jansson libpcre2-8)" \
	  "$$(pkg-config --libs cmocka)" \
	  "$$(pkg-config --cflags jansson sqlite3 libpq libcurl)" \
	  "$$(pkg-config --libs jansson sqlite3 libpq libcurl)" > $@

deps:
	@if ! pkg-config --exists $(PKGS) 2>/dev/null; then \
	  echo "orchc: installing build dependencies: $(DEB_PKGS)"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $(DEB_PKGS) >/dev/null; \
	fi

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# Files compiled in as bytes (string literals that long are not portable
# C): schema.orch, and the base schemas catalog bundles carry.
# embed FILE NAME: `const char NAME[]` (NUL-terminated) and NAME_length.
embed = printf 'const char $(2)[] = {\n'; \
  od -An -v -tx1 $(1) | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/\t/'; \
  printf '\t0\n};\nconst unsigned $(2)_length = sizeof $(2) - 1;\n';
BASE_SCHEMAS = stdlib/orchestrator-core/schema.postgres.sql stdlib/orchestrator-core/schema.sqlite.sql

$(BUILD)/schema_src.c: compiler/schema.orch Makefile
	@mkdir -p $(@D)
	@{ printf '/* Generated from compiler/schema.orch by the Makefile. */\n'; \
	  printf 'extern const char orchc_schema_source[];\nextern const unsigned orchc_schema_source_length;\n'; \
	  $(call embed,$<,orchc_schema_source) } > $@

$(BUILD)/base_schemas.c: $(BASE_SCHEMAS) Makefile
	@mkdir -p $(@D)
	@{ printf '/* Generated from stdlib/orchestrator-core by the Makefile. */\n'; \
	  printf 'extern const char orchc_base_schema_postgres[], orchc_base_schema_sqlite[];\n'; \
	  printf 'extern const unsigned orchc_base_schema_postgres_length, orchc_base_schema_sqlite_length;\n'; \
	  $(call embed,stdlib/orchestrator-core/schema.postgres.sql,orchc_base_schema_postgres) \
	  $(call embed,stdlib/orchestrator-core/schema.sqlite.sql,orchc_base_schema_sqlite) } > $@

$(BUILD)/schema_src.o $(BUILD)/base_schemas.o: $(BUILD)/%.o: $(BUILD)/%.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The stdlib path is compiled in: a build for another PREFIX rebuilds it.
PREFIX_STAMP = $(BUILD)/prefix$(subst /,_,$(PREFIX)).stamp
$(PREFIX_STAMP):
	@mkdir -p $(@D)
	@rm -f $(BUILD)/prefix*.stamp
	@touch $@
$(BUILD)/compiler/module.o: $(PREFIX_STAMP)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(ORCHC): $(BUILD)/compiler/main.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/apply/%.o: apply/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(APPLY_CFLAGS) -Iapply -MMD -MP -c $< -o $@

$(ORCH_APPLY): $(APPLY_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(APPLY_LIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

# orch-apply's bundle reader, linked as orch-apply links it.
BUNDLE_OBJ = $(BUILD)/apply/bundle.o $(BASE_SRC:%.c=$(BUILD)/%.o)
$(BUILD)/tests/unit/test_bundle.o $(BUILD)/tests/fuzz/fuzz_bundle.o: ALL_CFLAGS += $(APPLY_CFLAGS) -Iapply
$(BUILD)/tests/test_bundle: $(BUILD)/tests/unit/test_bundle.o $(BUNDLE_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(APPLY_LIBS) $(TEST_LIBS)
$(REPLAY_BUNDLE): $(BUILD)/tests/fuzz/fuzz_bundle.o $(BUILD)/tests/fuzz/replay.o $(BUNDLE_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(APPLY_LIBS)

$(REPLAY): $(BUILD)/tests/fuzz/fuzz_compile.o $(BUILD)/tests/fuzz/replay.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(REPLAY_WASM): $(BUILD)/tests/fuzz/fuzz_wasm.o $(BUILD)/tests/fuzz/replay.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(REPLAY_LOCK): $(BUILD)/tests/fuzz/fuzz_lock.o $(BUILD)/tests/fuzz/replay.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The main job on an embedded default (SQLite, no server): check every
# example, build the ESnet catalog, then orch-apply its bundle into a local
# root: the plan, the apply (files, base schema, migrations recorded in
# build/host/.orch-apply/db/esnet.sqlite3), the state, and a second plan
# that has nothing left to do.
run: $(ORCHC) $(ORCH_APPLY)
	$(ORCHC) check examples/*/*.orch stdlib/*.orch
	$(ORCHC) build -o build/out examples/esnet-nes/catalog.orch
	@rm -rf build/host
	$(ORCH_APPLY) plan build/out/deploy/catalog-esnet.json --root build/host || [ $$? -eq 2 ]
	$(ORCH_APPLY) apply build/out/deploy/catalog-esnet.json --root build/host
	$(ORCH_APPLY) status --root build/host
	$(ORCH_APPLY) plan build/out/deploy/catalog-esnet.json --root build/host

# The real consumers the tests validate output with (Debian packages).
TEST_DEB_PKGS = docker-compose python3-yaml python3-jsonschema python3-ruamel.yaml \
                python3-kubernetes sqlite3 postgresql alembic python3-alembic \
                python3-sqlalchemy python3-psycopg2 wabt
test-deps:
	@if ! command -v docker-compose > /dev/null 2>&1 || ! command -v sqlite3 > /dev/null 2>&1 || \
	   ! command -v psql > /dev/null 2>&1 || [ ! -x /usr/bin/alembic ] || \
	   ! command -v wat2wasm > /dev/null 2>&1 || \
	   ! /usr/bin/python3 -c 'import yaml, jsonschema, ruamel.yaml, kubernetes, sqlalchemy, psycopg2' 2>/dev/null; then \
	  echo "orchc: installing test tools: $(TEST_DEB_PKGS)"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $(TEST_DEB_PKGS) >/dev/null; \
	fi
	@# Node and npm from Debian only where no node is installed (another
	@# distribution's nodejs bundles npm and conflicts with Debian's).
	@if ! command -v npm > /dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq nodejs npm >/dev/null; \
	fi
	@# The Kubernetes schema validators, pinned in tests/k8s/package-lock.json.
	@[ -d tests/k8s/node_modules/kubernetes-models ] || \
	  (cd tests/k8s && npm ci --no-audit --no-fund --loglevel=error > /dev/null)
	@# The OpenAPI validator, pinned in tests/wasm/package-lock.json.
	@[ -d tests/wasm/node_modules/@apidevtools/swagger-parser ] || \
	  (cd tests/wasm && npm ci --no-audit --no-fund --loglevel=error > /dev/null)

test check: $(ORCHC) $(ORCH_APPLY) $(UNIT_BIN) $(REPLAY) $(REPLAY_WASM) $(REPLAY_BUNDLE) $(REPLAY_LOCK) test-deps
	@ORCHC=$(ORCHC) BUILD=$(BUILD) sh tests/run.sh

check-asan:
	@$(MAKE) --no-print-directory MODE=asan test

# The libFuzzer targets, chosen by FUZZ_TARGET: compile (the whole
# pipeline; crashers belong in tests/fuzz/regressions/), wasm (the
# WebAssembly reader; tests/fuzz/wasm-regressions/), bundle (orch-apply's
# bundle reader; tests/fuzz/bundle-regressions/) or lock (the migration
# history's model.lock.json and migrations.sum; tests/fuzz/lock-regressions/).
FUZZ_SEEDS_compile = examples/*/*.orch stdlib/*.orch tests/parse/*.orch tests/errors/*.orch
FUZZ_SEEDS_wasm = examples/*/modules/*.wasm tests/errors/modules/*.wasm
FUZZ_SEEDS_bundle = examples/*/expected/out*/deploy/*.json
FUZZ_SEEDS_lock = examples/*/expected/out/migrations/*/model.lock.json \
                  examples/*/expected/out/migrations/*/migrations.sum
FUZZ_CORPUS_compile = build/fuzz/corpus
FUZZ_CORPUS_wasm = build/fuzz/corpus-wasm
FUZZ_CORPUS_bundle = build/fuzz/corpus-bundle
FUZZ_CORPUS_lock = build/fuzz/corpus-lock
FUZZ_ARTIFACTS_compile = build/fuzz/
FUZZ_ARTIFACTS_wasm = build/fuzz/wasm-
FUZZ_ARTIFACTS_bundle = build/fuzz/bundle-
FUZZ_ARTIFACTS_lock = build/fuzz/lock-
FUZZ_REGRESSIONS_compile = tests/fuzz/regressions
FUZZ_REGRESSIONS_wasm = tests/fuzz/wasm-regressions
FUZZ_REGRESSIONS_bundle = tests/fuzz/bundle-regressions
FUZZ_REGRESSIONS_lock = tests/fuzz/lock-regressions

fuzz:
	$(if $(FUZZ_SEEDS_$(FUZZ_TARGET)),,$(error FUZZ_TARGET must be compile, wasm, bundle or lock (got '$(FUZZ_TARGET)')))
	@$(MAKE) --no-print-directory MODE=fuzz CC=clang build/fuzz/fuzz_$(FUZZ_TARGET)
	@mkdir -p $(FUZZ_CORPUS_$(FUZZ_TARGET))
	@cp $(FUZZ_SEEDS_$(FUZZ_TARGET)) $(FUZZ_CORPUS_$(FUZZ_TARGET))/ 2>/dev/null || true
	build/fuzz/fuzz_$(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	  -artifact_prefix=$(FUZZ_ARTIFACTS_$(FUZZ_TARGET)) $(FUZZ_CORPUS_$(FUZZ_TARGET)) \
	  $(FUZZ_REGRESSIONS_$(FUZZ_TARGET))

build/fuzz/fuzz_compile: $(BUILD)/tests/fuzz/fuzz_compile.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

build/fuzz/fuzz_wasm: $(BUILD)/tests/fuzz/fuzz_wasm.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

build/fuzz/fuzz_bundle: $(BUILD)/tests/fuzz/fuzz_bundle.o $(BUNDLE_OBJ)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(APPLY_LIBS)

build/fuzz/fuzz_lock: $(BUILD)/tests/fuzz/fuzz_lock.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

bench: $(ORCHC) $(ORCH_APPLY)
	@sh bench/run.sh $(ORCHC)

man: $(ORCHC)
	$(ORCHC) explain --man > man/orchc-diagnostics.7

update-golden: $(ORCHC)
	@ORCHC=$(ORCHC) UPDATE_GOLDEN=1 sh tests/run.sh

# Each header must compile on its own.
headercheck:
	@for h in compiler/*.h; do \
	  printf '#include "%s"\n' "$${h#compiler/}" | \
	    $(CC) $(WARN) $(PKG_CFLAGS) -Icompiler -fsyntax-only -x c - || exit 1; \
	done; echo "headercheck: ok"

lint:
	cppcheck --enable=warning,style,performance,portability --error-exitcode=1 -q \
	  --suppress=missingIncludeSystem --suppress=unusedStructMember \
	  --suppress=unreadVariable --inline-suppr \
	  -Icompiler -Iapply compiler apply tests/unit tests/fuzz

install: $(ORCHC) $(ORCH_APPLY)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/orchc/stdlib \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	  $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 755 $(ORCHC) $(DESTDIR)$(PREFIX)/bin/orchc
	install -m 755 $(ORCH_APPLY) $(DESTDIR)$(PREFIX)/bin/orch-apply
	install -m 644 stdlib/*.orch $(DESTDIR)$(PREFIX)/share/orchc/stdlib/
	install -d $(DESTDIR)$(PREFIX)/share/orchc/stdlib/orchestrator-core
	install -m 644 stdlib/orchestrator-core/*.sql $(DESTDIR)$(PREFIX)/share/orchc/stdlib/orchestrator-core/
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 man/*.7 $(DESTDIR)$(PREFIX)/share/man/man7/

clean:
	rm -rf build bin

-include $(LIB_OBJ:.o=.d) $(APPLY_SRC:%.c=$(BUILD)/%.d) $(BUILD)/compiler/main.d $(UNIT_TESTS:%=$(BUILD)/tests/unit/test_%.d) \
  $(BUILD)/tests/unit/test_bundle.d \
  $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/fuzz_%.d) $(BUILD)/tests/fuzz/replay.d
