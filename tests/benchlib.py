# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# What the benchmarks (tests/bench-*.py) share: running commands, and a
# sandbox (utilities/sluice-sandbox) in a work directory, with the build's
# programs and the patched OVS's on the PATH.

import os
import subprocess
import time


def run(*args, **kwargs):
    """Runs 'args', raising an exception if it fails.  Returns its standard
    output."""
    return subprocess.run(args, check=True, stdout=subprocess.PIPE,
                          universal_newlines=True, **kwargs).stdout


class Sandbox:
    def __init__(self, builddir, workdir):
        """Uses the programs of Sluice build directory 'builddir' and of the
        OVS build that it was configured with, and a sandbox and northbound
        database in 'workdir'."""
        self.dir = workdir
        ovs = os.path.join(os.path.dirname(builddir), 'ovs', '_build')
        with open(os.path.join(builddir, 'config.status')) as f:
            for line in f:
                if line.startswith('S["OVS_BUILDDIR"]='):
                    ovs = line.split('"')[3]
        path = [os.path.join(builddir, 'utilities'),
                os.path.join(builddir, 'controller'),
                os.path.join(ovs, 'utilities'), os.path.join(ovs, 'vswitchd'),
                os.path.join(ovs, 'ovsdb')]
        os.environ['PATH'] = ':'.join(path + [os.environ['PATH']])
        os.environ['SLUICE_SANDBOX'] = os.path.join(workdir, 'sandbox')
        os.environ['SLUICE_NB_DB'] = 'unix:%s/nb/sluice-nb.sock' % workdir

    def sandbox(self, *args):
        return run('sluice-sandbox', *args).strip()

    def wait_for(self, condition, timeout=30):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError('timed out')
            time.sleep(0.05)
