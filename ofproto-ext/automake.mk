# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# The OVS extension.  Its .c/.h files are compiled into Open vSwitch by the
# patches in ofproto-ext/patches/, not into Sluice's own programs.
# ofproto-ext/prepare-ovs unpacks, patches, configures and builds OVS.

# When the OVS tree is the one that prepare-ovs made, keep it current before
# anything of ours is built: a changed patch re-patches and reconfigures OVS,
# a changed extension source rebuilds only what depends on it.
BUILT_SOURCES += ovs-current
ovs-current:
	@if test -f '$(OVS_BUILDDIR)/.sluice-stamp'; then \
	  $(srcdir)/ofproto-ext/prepare-ovs '$(OVS_SRCDIR)'; \
	fi
.PHONY: ovs-current

# Open vSwitch's own autotest groups that the patches can affect, run against
# the patched OVS build: the test files for OpenFlow actions and their text
# syntax, for translation in ofproto-dpif, and for tunnels (the patches touch
# lib/ofp-actions.c, ofproto/ofproto-dpif-xlate.c and lib/tun-metadata.c).
# docs/ofproto-ext.md records how long they take and what they give.
#
#   make check-ovs-actions                         the files below, -j2
#   make check-ovs-actions OVS_TEST_FILES=tunnel.at OVS_TESTSUITEFLAGS=-v
OVS_TEST_FILES = \
	ofp-actions.at \
	ovs-ofctl.at \
	ofproto-dpif.at \
	tunnel.at \
	tunnel-push-pop.at \
	tunnel-push-pop-ipv6.at
OVS_TESTSUITEFLAGS = -j2
check-ovs-actions: ovs-current
	@groups=`cd '$(OVS_BUILDDIR)/tests' && \
	  $(SHELL) '$(OVS_SRCDIR)/tests/testsuite' -l | \
	  awk -v files=' $(strip $(OVS_TEST_FILES)) ' \
	    '$$1 ~ /^[0-9]+:$$/ { split($$2, f, ":"); \
	                          if (index(files, " " f[1] " ")) { \
	                            sub(":", "", $$1); printf " %s", $$1 } }'`; \
	test -n "$$groups" || { echo "no OVS test groups in $(OVS_TEST_FILES)" >&2; exit 1; }; \
	echo "Running OVS test groups from $(strip $(OVS_TEST_FILES))"; \
	$(MAKE) -C '$(OVS_BUILDDIR)' check \
	  TESTSUITEFLAGS="$(OVS_TESTSUITEFLAGS)$$groups"
.PHONY: check-ovs-actions

# A libFuzzer target for the decoders of "steer" and "accept"
# (ofproto-ext/fuzz-si-actions.c), built with clang and linked against the
# patched libopenvswitch.  The Sluice files that it exercises are compiled
# again with the fuzzer's instrumentation, so that libFuzzer sees their
# coverage; the linker then takes them instead of libopenvswitch's copies.
#
#   make fuzz-ofproto-ext                  build, then fuzz for FUZZ_TIME s
#   make fuzz-ofproto-ext FUZZ_TIME=600
#
# The corpus grows in ofproto-ext/fuzz-corpus/ of the build tree, from the
# seeds in ofproto-ext/fuzz-seeds.txt; a crashing input is written to
# ofproto-ext/fuzz-artifacts/.  Neither is ever committed.
FUZZ_CC = clang
FUZZ_TIME = 60
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer $(FUZZ_SANITIZE) \
	-Wall -Wextra -Wno-sign-compare -Werror
FUZZ_OBJECTS = \
	ofproto-ext/fuzz-si-actions.fuzz.o \
	ofproto-ext/si-actions.fuzz.o \
	ofproto-ext/si-context.fuzz.o
$(FUZZ_OBJECTS): $(srcdir)/ofproto-ext/si-actions.h \
	$(srcdir)/ofproto-ext/si-context.h $(OVS_LIBS)
ofproto-ext/%.fuzz.o: $(srcdir)/ofproto-ext/%.c
	@command -v $(FUZZ_CC) > /dev/null || { \
	  echo "$(FUZZ_CC) not found; on Debian install it with:" \
	       "apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
	$(AM_V_CC)$(MKDIR_P) ofproto-ext && \
	$(FUZZ_CC) $(DEFS) $(AM_CPPFLAGS) $(FUZZ_CFLAGS) \
	  -fsanitize=fuzzer-no-link -c -o $@ $<
ofproto-ext/fuzz-si-actions: $(FUZZ_OBJECTS)
	$(AM_V_CCLD)$(LIBTOOL) --silent --tag=CC --mode=link $(FUZZ_CC) \
	  $(FUZZ_SANITIZE) -fsanitize=fuzzer -o $@ $(FUZZ_OBJECTS) $(OVS_LIBS)
CLEANFILES += ofproto-ext/fuzz-si-actions $(FUZZ_OBJECTS)

fuzz-ofproto-ext: ovs-current ofproto-ext/fuzz-si-actions
	@rm -rf ofproto-ext/fuzz-seeds && \
	mkdir -p ofproto-ext/fuzz-seeds ofproto-ext/fuzz-corpus \
	         ofproto-ext/fuzz-artifacts && \
	sed -e 's/#.*//' -e '/^[[:space:]]*$$/d' \
	    $(srcdir)/ofproto-ext/fuzz-seeds.txt | \
	$(PYTHON3) -c 'import sys; [open("ofproto-ext/fuzz-seeds/seed-%d" % i, "wb").write(bytes.fromhex(l)) for i, l in enumerate(sys.stdin)]'
	./ofproto-ext/fuzz-si-actions -max_total_time=$(FUZZ_TIME) \
	  -max_len=1024 -print_final_stats=1 \
	  -artifact_prefix=ofproto-ext/fuzz-artifacts/ \
	  ofproto-ext/fuzz-corpus ofproto-ext/fuzz-seeds
.PHONY: fuzz-ofproto-ext

CLEAN_LOCAL += clean-fuzz
clean-fuzz:
	rm -rf ofproto-ext/fuzz-seeds ofproto-ext/fuzz-corpus \
	       ofproto-ext/fuzz-artifacts
.PHONY: clean-fuzz
