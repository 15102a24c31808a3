#! /bin/sh
# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# Generates "configure" and the Makefile templates from a fresh checkout.

set -e
autoreconf --install --force
