# rexian - build, run and test.
#   make          build ./rexian (optimised)
#   make run      install missing packages, build, start a demo city server
#   make check    install missing packages, run every test suite
#   make bench    load benchmarks, exports, unit assessment and statistics (results go
#                 to docs/PERFORMANCE.md); the last two build 1M-ticket databases once
#                 into var/bench/
#   make bench-search  search / suggest / repeat lookups on 1M tickets (same file)

CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libsodium icu-uc icu-i18n libpq xlsxwriter
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

MODE    ?= release
ifeq ($(MODE),asan)
BUILD   := build/asan
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
else
BUILD   := build/release
OPT     := -O2 -g
endif

WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
COMMON  := -std=c17 -D_GNU_SOURCE -Isrc -I$(BUILD)/gen $(WARN) $(PKG_CFLAGS) -MMD -MP
LDLIBS  := $(PKG_LIBS) -lpthread -lm

SRCS     := $(sort $(wildcard src/*/*.c))
OBJS     := $(SRCS:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/migrations.o
MAIN_OBJ := $(BUILD)/obj/main.o
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))

# The store's backend dispatch (scripts/gen-store-dispatch): store.h's backend
# functions compile as sqlite_store_* and pg_store_*, and the generated
# store_dispatch.c defines store_* over both. STORE_PG=strict fails the build
# when a function or migration lacks its PostgreSQL version; STORE_PG=partial
# builds stubs instead (while porting).
STORE_PG ?= strict
PG_SRCS  := $(sort $(wildcard src/store/pg*.c))
PG_MIGRATIONS := $(sort $(wildcard src/store/migrations/pg/*.sql))
GEN_STORE := $(BUILD)/gen/store.stamp
OBJS     += $(BUILD)/obj/gen/store_dispatch.o $(BUILD)/obj/gen/pg_migrations.o

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

PORT    ?= 8080
DEMO_DB ?= var/demo.db

.PHONY: all run check deps test-unit test-api test-web web bench bench-search format clean asan

all: rexian

# Replaced by a rename, so that a running ./rexian (make run) does not stop the copy.
rexian: $(BUILD)/rexian
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/rexian: $(OBJS) $(MAIN_OBJ)
	$(CC) $(OPT) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(COMMON) $(OPT) -c -o $@ $<

$(BUILD)/gen/migrations.c: $(MIGRATIONS) scripts/embed-sql
	@mkdir -p $(dir $@)
	python3 scripts/embed-sql $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/migrations.o: $(BUILD)/gen/migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(COMMON) $(OPT) -c -o $@ $<

$(GEN_STORE): src/store/store.h scripts/gen-store-dispatch $(PG_SRCS)
	@mkdir -p $(dir $@)
	python3 scripts/gen-store-dispatch $(if $(filter partial,$(STORE_PG)),--allow-missing) \
	    src/store/store.h $(BUILD)/gen --pg $(PG_SRCS)
	@touch $@

$(BUILD)/gen/store_dispatch.c: $(GEN_STORE) ;

$(BUILD)/obj/gen/store_dispatch.o: $(BUILD)/gen/store_dispatch.c
	@mkdir -p $(dir $@)
	$(CC) $(COMMON) $(OPT) -c -o $@ $<

$(BUILD)/gen/pg_migrations.c: $(PG_MIGRATIONS) $(MIGRATIONS) scripts/embed-sql
	@mkdir -p $(dir $@)
	python3 scripts/embed-sql --array pg_migrations \
	    $(if $(filter partial,$(STORE_PG)),,--same-as $(MIGRATIONS) --) $(PG_MIGRATIONS) > $@.tmp
	@mv $@.tmp $@

$(BUILD)/obj/gen/pg_migrations.o: $(BUILD)/gen/pg_migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(COMMON) $(OPT) -c -o $@ $<

# Every object may include the generated store headers.
$(OBJS) $(MAIN_OBJ): | $(GEN_STORE)

$(BUILD)/tests/%: tests/unit/%.c $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(COMMON) $(OPT) -o $@ $(filter %.c %.o,$^) $(LDLIBS) -lcmocka

deps:
	@scripts/install-deps

run: deps
	@$(MAKE) --no-print-directory rexian web
	@scripts/run-demo $(DEMO_DB) $(PORT)

# The test binaries are built with AddressSanitizer and UBSan.
asan:
	@$(MAKE) --no-print-directory MODE=asan build/asan/rexian $(UNIT_SRCS:tests/unit/%.c=build/asan/tests/%)

check: deps
	@$(MAKE) --no-print-directory asan web
	@$(MAKE) --no-print-directory -j$(FUZZ_JOBS) fuzz-build
	@tests/run-all build/asan

test-unit: asan
	@tests/run-all build/asan unit

test-api: asan
	@tests/run-all build/asan api

test-web: asan web
	@tests/run-all build/asan web

# The browser front end's third-party ES modules, copied from node_modules
# (pinned in package-lock.json, installed by npm ci) into web/vendor/, which is
# not committed. Bare "preact" imports are rewritten to relative ones: the CSP
# forbids inline import maps.
WEB_VENDOR := web/vendor/preact.mjs web/vendor/hooks.mjs web/vendor/htm.mjs \
              web/vendor/echarts.esm.min.js

web: $(WEB_VENDOR)

node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/vendor/preact.mjs: node_modules/.package-lock.json
	@mkdir -p $(dir $@)
	cp node_modules/preact/dist/preact.mjs $@

web/vendor/hooks.mjs: node_modules/.package-lock.json
	@mkdir -p $(dir $@)
	sed 's#from"preact"#from"./preact.mjs"#g' node_modules/preact/hooks/dist/hooks.mjs > $@.tmp
	@if grep -q '"preact"' $@.tmp; then echo "web: a bare preact import is left in $@" >&2; exit 1; fi
	@mv $@.tmp $@

web/vendor/htm.mjs: node_modules/.package-lock.json
	@mkdir -p $(dir $@)
	cp node_modules/htm/dist/htm.mjs $@

web/vendor/echarts.esm.min.js: node_modules/.package-lock.json
	@mkdir -p $(dir $@)
	cp node_modules/echarts/dist/echarts.esm.min.js $@

# ---- fuzzing (tests/fuzz/, docs/RELIABILITY.md) ----
# libFuzzer targets, built with clang and ASan/UBSan into build/fuzz/. Each
# src/ file is compiled again for them (coverage instrumentation); the unit
# targets link an archive of those objects without http/server.c, whose
# request lookups tests/fuzz/fake_http.c stands in for. `make fuzz` runs
# every target FUZZ_SECONDS (default 60) from its seed corpus; `make check`
# replays each corpus and runs each target briefly (tests/fuzz/run).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ         := build/fuzz
FUZZ_OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=all
# Warnings, not errors, for src/ under clang: gcc's -Werror build gates it.
FUZZ_BASE    := -std=c17 -D_GNU_SOURCE -Isrc -I$(FUZZ)/gen -Wall -Wextra -Wno-unused-parameter \
                $(PKG_CFLAGS)
FUZZ_CFLAGS  := $(FUZZ_BASE) -MMD -MP
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ)/%)
FUZZ_OBJS    := $(SRCS:src/%.c=$(FUZZ)/obj/%.o) $(FUZZ)/obj/gen/migrations.o \
                $(FUZZ)/obj/gen/store_dispatch.o $(FUZZ)/obj/gen/pg_migrations.o
FUZZ_LIB_OBJS := $(filter-out $(FUZZ)/obj/http/server.o,$(FUZZ_OBJS))
FUZZ_GEN_STORE := $(FUZZ)/gen/store.stamp

.PHONY: fuzz fuzz-build

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ) long

$(FUZZ)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_OPT) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ)/gen/migrations.c: $(MIGRATIONS) scripts/embed-sql
	@mkdir -p $(dir $@)
	python3 scripts/embed-sql $(MIGRATIONS) > $@.$$$$.tmp && mv $@.$$$$.tmp $@

# The store's generated dispatch and PostgreSQL migrations, as for $(BUILD).
$(FUZZ_GEN_STORE): src/store/store.h scripts/gen-store-dispatch $(PG_SRCS)
	@mkdir -p $(dir $@)
	python3 scripts/gen-store-dispatch $(if $(filter partial,$(STORE_PG)),--allow-missing) \
	    src/store/store.h $(FUZZ)/gen --pg $(PG_SRCS)
	@touch $@

$(FUZZ)/gen/store_dispatch.c: $(FUZZ_GEN_STORE) ;

$(FUZZ)/gen/pg_migrations.c: $(PG_MIGRATIONS) $(MIGRATIONS) scripts/embed-sql
	@mkdir -p $(dir $@)
	python3 scripts/embed-sql --array pg_migrations \
	    $(if $(filter partial,$(STORE_PG)),,--same-as $(MIGRATIONS) --) $(PG_MIGRATIONS) \
	    > $@.$$$$.tmp && mv $@.$$$$.tmp $@

$(FUZZ)/obj/gen/%.o: $(FUZZ)/gen/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_OPT) -c -o $@ $<

$(FUZZ_OBJS) $(FUZZ)/obj/fake_http.o: | $(FUZZ_GEN_STORE)

$(FUZZ)/libsrc.a: $(FUZZ_LIB_OBJS)
	@rm -f $@.$$$$
	ar rcs $@.$$$$ $^ && mv $@.$$$$ $@

$(FUZZ)/obj/fake_http.o: tests/fuzz/fake_http.c tests/fuzz/fake_http.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror $(FUZZ_OPT) -c -o $@ $<

# The whole-server target links every object, http/server.c included.
$(FUZZ)/fuzz_http: tests/fuzz/fuzz_http.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_BASE) -Werror -Itests/fuzz $(FUZZ_OPT) -fsanitize=fuzzer -o $@ \
	    $(filter %.c %.o,$^) $(LDLIBS)

$(FUZZ)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ)/obj/fake_http.o $(FUZZ)/libsrc.a
	$(FUZZ_CC) $(FUZZ_BASE) -Werror -Itests/fuzz $(FUZZ_OPT) -fsanitize=fuzzer -o $@ \
	    $(filter %.c %.o %.a,$^) $(LDLIBS)

bench: deps rexian
	@bench/run
	@REXIAN_BIN=./rexian python3 bench/sse_streams.py
	@python3 bench/export.py --bin ./rexian --write docs/PERFORMANCE.md
	@bench/pg.sh
	@python3 bench/assess.py --bin ./rexian --write docs/PERFORMANCE.md
	@python3 bench/stats_ops.py --bin ./rexian --tickets 1000000 --write docs/PERFORMANCE.md

# Search, suggestions and repeat lookups on 1,000,000 bulk tickets (several
# minutes: the database is built once into var/bench/ and kept), the ICU
# iterator costs, and the precision and recall of repeat candidates.
bench-search: deps rexian $(BUILD)/bench/segment_cost
	@python3 bench/search.py --bin ./rexian --segment-cost $(BUILD)/bench/segment_cost \
	    --write docs/PERFORMANCE.md
	@python3 bench/similar_eval.py --bin ./rexian --write docs/PERFORMANCE.md

$(BUILD)/bench/%: bench/%.c $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(COMMON) $(OPT) -o $@ $(filter %.c %.o,$^) $(LDLIBS)

format:
	clang-format -i $(SRCS) src/main.c $(wildcard src/*/*.h) $(UNIT_SRCS)

clean:
	rm -rf build rexian

-include $(shell find build -name '*.d' 2>/dev/null)
