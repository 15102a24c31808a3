# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# Sluice's own autoconf checks.  Every check that fails names the Debian
# package that provides what is missing.

dnl SLUICE_MISSING(WHAT, DEBIAN-PACKAGE)
dnl
dnl Stops configure because WHAT is missing.
AC_DEFUN([SLUICE_MISSING],
  [AC_MSG_ERROR([$1 not found; on Debian install it with: apt-get install $2])])

dnl SLUICE_CHECK_PYTHON3
dnl
dnl ovsdb-idlc and ovsdb-doc, which generate our IDL and man pages, are
dnl Python programs.
AC_DEFUN([SLUICE_CHECK_PYTHON3],
  [AC_PATH_PROGS([PYTHON3], [python3], [], [/usr/bin:$PATH])
   test -n "$PYTHON3" || SLUICE_MISSING([python3], [python3])
   AC_SUBST([PYTHON3])])

dnl SLUICE_CHECK_OVS
dnl
dnl Finds the Open vSwitch source and build trees (--with-ovs-source,
dnl --with-ovs-build), as OVN does, and checks that the build is a configured
dnl OVS 3.1 with the Sluice extension patched in.
AC_DEFUN([SLUICE_CHECK_OVS],
  [AC_ARG_WITH([ovs-source],
     [AS_HELP_STRING([--with-ovs-source=DIR],
                     [patched Open vSwitch source tree [SRCDIR/ovs]])])
   AC_ARG_WITH([ovs-build],
     [AS_HELP_STRING([--with-ovs-build=DIR],
                     [configured and built Open vSwitch tree
                      [OVS-SOURCE/_build, else OVS-SOURCE]])])

   AC_MSG_CHECKING([for the Open vSwitch source tree])
   test -n "$with_ovs_source" || with_ovs_source=$srcdir/ovs
   OVS_SRCDIR=`cd "$with_ovs_source" 2>/dev/null && pwd`
   if test -z "$OVS_SRCDIR" || test ! -f "$OVS_SRCDIR/vswitchd/bridge.c"; then
     AC_MSG_ERROR([$with_ovs_source is not an Open vSwitch source tree;
prepare one with "ofproto-ext/prepare-ovs ovs" (it needs Debian's
openvswitch-source package) or use --with-ovs-source])
   fi
   AC_MSG_RESULT([$OVS_SRCDIR])

   AC_MSG_CHECKING([for the Open vSwitch build tree])
   if test -z "$with_ovs_build"; then
     if test -f "$OVS_SRCDIR/_build/config.h"; then
       with_ovs_build=$OVS_SRCDIR/_build
     else
       with_ovs_build=$OVS_SRCDIR
     fi
   fi
   OVS_BUILDDIR=`cd "$with_ovs_build" 2>/dev/null && pwd`
   if test -z "$OVS_BUILDDIR" || test ! -f "$OVS_BUILDDIR/config.h"; then
     AC_MSG_ERROR([$with_ovs_build is not a configured Open vSwitch build
tree; use --with-ovs-build])
   fi
   if test ! -f "$OVS_BUILDDIR/lib/libopenvswitch.la"; then
     AC_MSG_ERROR([$OVS_BUILDDIR has no lib/libopenvswitch.la: build OVS
there first (make -C $OVS_BUILDDIR)])
   fi
   AC_MSG_RESULT([$OVS_BUILDDIR])

   AC_MSG_CHECKING([Open vSwitch version])
   OVS_VERSION=`sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
                "$OVS_BUILDDIR/config.h"`
   AC_MSG_RESULT([$OVS_VERSION])
   case $OVS_VERSION in
     3.1.*) ;;
     *) AC_MSG_ERROR([Sluice needs Open vSwitch 3.1.x (Debian 12's
openvswitch-source package), not "$OVS_VERSION"]) ;;
   esac

   AC_MSG_CHECKING([whether Open vSwitch carries the Sluice extension])
   if grep -q 'sluice_ext_banner' "$OVS_SRCDIR/lib/util.c"; then
     AC_MSG_RESULT([yes])
   else
     AC_MSG_RESULT([no])
     AC_MSG_ERROR([$OVS_SRCDIR is not patched with ofproto-ext/patches;
prepare it with "ofproto-ext/prepare-ovs"])
   fi

   AC_SUBST([OVS_SRCDIR])
   AC_SUBST([OVS_BUILDDIR])
   AC_SUBST([OVS_VERSION])])

dnl SLUICE_CHECK_OVS_DEPS
dnl
dnl The libraries that libopenvswitch was built with must be present to
dnl link against it; Sluice needs OVS built with OpenSSL for its TLS remotes.
AC_DEFUN([SLUICE_CHECK_OVS_DEPS],
  [grep -q '^#define HAVE_OPENSSL 1' "$OVS_BUILDDIR/config.h" ||
     AC_MSG_ERROR([Open vSwitch in $OVS_BUILDDIR was built without OpenSSL;
install libssl-dev and prepare it again])
   AC_CHECK_HEADER([openssl/ssl.h], [],
                   [SLUICE_MISSING([OpenSSL headers], [libssl-dev])])
   AC_CHECK_LIB([ssl], [SSL_new], [:],
                [SLUICE_MISSING([libssl], [libssl-dev])], [-lcrypto])
   for lib in `sed -n "s/^dependency_libs='\(.*\)'$/\1/p" \
               "$OVS_BUILDDIR/lib/libopenvswitch.la"`; do
     case $lib in
       -lcap-ng) AC_CHECK_LIB([cap-ng], [capng_clear], [:],
                              [SLUICE_MISSING([libcap-ng], [libcap-ng-dev])]) ;;
       -lunbound) AC_CHECK_LIB([unbound], [ub_ctx_create], [:],
                               [SLUICE_MISSING([libunbound],
                                               [libunbound-dev])]) ;;
     esac
   done])

dnl SLUICE_CHECK_LIBNL
dnl
dnl sluice-cni builds veth pairs with libnl-route.
AC_DEFUN([SLUICE_CHECK_LIBNL],
  [PKG_CHECK_MODULES([LIBNL], [libnl-3.0 libnl-route-3.0], [],
     [SLUICE_MISSING([libnl-3 and libnl-route-3],
                     [libnl-3-dev libnl-route-3-dev])])])

dnl SLUICE_WITH_CNI_BIN_DIR
dnl
dnl --with-cni-bin-dir=DIR: where "make install" puts sluice-cni, the
dnl directory in which container runtimes look for CNI plugins.
AC_DEFUN([SLUICE_WITH_CNI_BIN_DIR],
  [AC_ARG_WITH([cni-bin-dir],
     [AS_HELP_STRING([--with-cni-bin-dir=DIR],
                     [install the CNI plugin into DIR @<:@/opt/cni/bin@:>@])],
     [cnibindir=$withval], [cnibindir=/opt/cni/bin])
   AC_SUBST([cnibindir])])

dnl SLUICE_CHECK_CHECK
dnl
dnl The unit tests use the Check framework.
AC_DEFUN([SLUICE_CHECK_CHECK],
  [PKG_CHECK_MODULES([CHECK], [check >= 0.10], [],
     [SLUICE_MISSING([Check (the C unit test framework)], [check])])])

dnl SLUICE_ENABLE_SANITIZERS
dnl
dnl --enable-asan and --enable-ubsan build Sluice's own code with
dnl AddressSanitizer and UndefinedBehaviorSanitizer.
AC_DEFUN([SLUICE_ENABLE_SANITIZERS],
  [AC_ARG_ENABLE([asan],
     [AS_HELP_STRING([--enable-asan], [build with AddressSanitizer])],
     [], [enable_asan=no])
   AC_ARG_ENABLE([ubsan],
     [AS_HELP_STRING([--enable-ubsan],
                     [build with UndefinedBehaviorSanitizer])],
     [], [enable_ubsan=no])
   SANITIZE_CFLAGS=
   if test "$enable_asan" = yes; then
     SANITIZE_CFLAGS="$SANITIZE_CFLAGS -fsanitize=address"
   fi
   if test "$enable_ubsan" = yes; then
     SANITIZE_CFLAGS="$SANITIZE_CFLAGS -fsanitize=undefined"
     SANITIZE_CFLAGS="$SANITIZE_CFLAGS -fno-sanitize-recover=undefined"
   fi
   if test -n "$SANITIZE_CFLAGS"; then
     SANITIZE_CFLAGS="$SANITIZE_CFLAGS -fno-omit-frame-pointer"
     save_CFLAGS=$CFLAGS
     CFLAGS="$CFLAGS $SANITIZE_CFLAGS"
     AC_MSG_CHECKING([whether $CC accepts$SANITIZE_CFLAGS])
     AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])], [AC_MSG_RESULT([yes])],
                    [AC_MSG_RESULT([no])
                     AC_MSG_ERROR([$CC cannot build with$SANITIZE_CFLAGS])])
     CFLAGS=$save_CFLAGS
   fi
   AC_SUBST([SANITIZE_CFLAGS])])

dnl SLUICE_ENABLE_WARNINGS
dnl
dnl Sluice's code builds with -Wall -Wextra -Werror and the stricter
dnl warnings that OVS uses for its own code.
AC_DEFUN([SLUICE_ENABLE_WARNINGS],
  [WARNING_FLAGS="-Wall -Wextra -Werror -Wno-sign-compare"
   for flag in -Wpointer-arith -Wformat-security -Wswitch-enum \
               -Wstrict-prototypes -Wold-style-definition \
               -Wmissing-prototypes -Wmissing-field-initializers -Wshadow \
               -Wduplicated-cond -Wmultistatement-macros; do
     WARNING_FLAGS="$WARNING_FLAGS $flag"
   done
   AC_SUBST([WARNING_FLAGS])])
