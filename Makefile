# rexian - build, run and test.
#   make          build ./rexian (optimised)
#   make run      install missing packages, build, start a demo city server
#   make check    install missing packages, run every test suite
#   make bench    load benchmarks (results go to docs/PERFORMANCE.md)

CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libsodium
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

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

PORT    ?= 8080
DEMO_DB ?= var/demo.db

.PHONY: all run check deps test-unit test-api bench format clean asan

all: rexian

rexian: $(BUILD)/rexian
	cp $< $@

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

$(BUILD)/tests/%: tests/unit/%.c $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(COMMON) $(OPT) -o $@ $^ $(LDLIBS) -lcmocka

deps:
	@scripts/install-deps

run: deps
	@$(MAKE) --no-print-directory rexian
	@scripts/run-demo $(DEMO_DB) $(PORT)

# The test binaries are built with AddressSanitizer and UBSan.
asan:
	@$(MAKE) --no-print-directory MODE=asan build/asan/rexian $(UNIT_SRCS:tests/unit/%.c=build/asan/tests/%)

check: deps
	@$(MAKE) --no-print-directory asan
	@tests/run-all build/asan

test-unit: asan
	@tests/run-all build/asan unit

test-api: asan
	@tests/run-all build/asan api

bench: deps rexian
	@bench/run

format:
	clang-format -i $(SRCS) src/main.c $(wildcard src/*/*.h) $(UNIT_SRCS)

clean:
	rm -rf build rexian

-include $(shell find build -name '*.d' 2>/dev/null)
