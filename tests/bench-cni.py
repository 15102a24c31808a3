#! /usr/bin/env python3
# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# Benchmark of container attach latency (make bench).  It prints figures and
# never passes or fails.
#
# On sandbox hosts (utilities/sluice-sandbox: namespaces, the userspace
# datapath, real veths), with N containers already attached to host hv1
# (N = 0, 100, 1000), it measures:
#
#   sluice-cni  ADD (as a runtime runs it) until it returns with the port
#               up, and until a ping from the new container reaches a
#               container on host hv2;
#   share       the controller's share of it, from ovs-vswitchd's log line
#               "added interface" (the port has its OpenFlow number) to the
#               controller's "port ... is up" (its flows are acknowledged
#               by a barrier); for OVN, to ovn-controller's "Setting lport
#               ... ovn-installed";
#   northbound  as an orchestrator without CNI would attach a container
#               whose veth exists already: "sluice-ctl port-add" with the
#               chassis, the wait for the OpenFlow port number that the
#               controller reserves with the port's flows, "ovs-vsctl
#               add-port" with that ofport_request, until the port is up,
#               and until the cross-host ping; like OVN's method below;
#   floor       a bare "ovs-vsctl add-port" of a veth into hv1's br-int;
#   OVN         on host hv3 with OVN 23.03 (Debian's ovn-central and
#               ovn-host) and N ports: "ovn-nbctl lsp-add", "ovs-vsctl
#               add-port" with iface-id, and "ovs-vsctl wait-until"
#               ovn-installed, as /work/shared/reference/ovn-baseline.md
#               describes.
#
# With --json=FILE, it also writes the samples to FILE for
# tests/bench-report.py.
#
# usage: bench-cni.py BUILDDIR [--samples=K] [--counts=0,100,1000]
#                     [--no-ovn] [--json=FILE]

import argparse
import concurrent.futures
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import benchlib
from benchlib import percentile, run


def log_times(path, offset, regex):
    """Returns {name: time in s} for the lines of OVS-style log 'path',
    from byte 'offset' on, that 'regex' (with a group "name") matches."""
    times = {}
    with open(path, errors='replace') as f:
        f.seek(offset)
        for line in f:
            m = re.search(regex, line)
            if m:
                stamp = datetime.datetime.strptime(line[:23],
                                                   '%Y-%m-%dT%H:%M:%S.%f')
                times[m.group('name')] = stamp.timestamp()
    return times


def log_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


class Bench(benchlib.Sandbox):
    def __init__(self, builddir, workdir):
        super().__init__(builddir, workdir)
        self.n_containers = 0
        self.n_ovn_ports = 0

    # Setup and teardown.

    def setup(self):
        run('sluice-nbdb', '--dir=%s/nb' % self.dir, 'start')
        self.pids.append('%s/nb/sluice-nb.pid' % self.dir)
        run('sluice-ctl', 'init')
        run('sluice-ctl', 'tenant-add', 'acme', '--', 'network-add',
            'acme/web', '10.0.0.0/16', 'gateways=10.0.0.1')
        for i, host in enumerate(('hv1', 'hv2')):
            self.sandbox('host-add', host, '172.31.0.%d/24' % (i + 1),
                         '--controller=' + os.environ['SLUICE_NB_DB'])
            conf = {'cniVersion': '1.1.0', 'name': 'web',
                    'type': 'sluice-cni', 'network': 'acme/web',
                    'host_netns': '/var/run/netns/'
                                  + self.sandbox('netns', host),
                    'ovs_db': self.host_db(host),
                    'log_file': '%s/cni-%s.log' % (self.dir, host)}
            with open('%s/%s.json' % (self.dir, host), 'w') as f:
                json.dump(conf, f)
        for host in ('hv1', 'hv2'):
            self.wait_for(lambda: subprocess.call(
                ['ovs-vsctl', '--db=' + self.host_db(host), 'br-exists',
                 'br-int']) == 0)
        self.target = self.add('hv2', 'target')[1]

    def teardown(self):
        self.kill_pids()
        subprocess.call(['sluice-sandbox', 'teardown'])

    # sluice-cni.

    def cni(self, command, host, ctr, netns):
        env = dict(os.environ, CNI_COMMAND=command, CNI_CONTAINERID=ctr,
                   CNI_IFNAME='eth0', CNI_NETNS=netns)
        with open('%s/%s.json' % (self.dir, host)) as conf:
            p = subprocess.run(['sluice-cni'], stdin=conf, env=env,
                               stdout=subprocess.PIPE,
                               universal_newlines=True)
        if p.returncode:
            raise RuntimeError('%s %s: %s' % (command, ctr, p.stdout))
        return p.stdout

    def add(self, host, ctr):
        """Adds container 'ctr' on 'host'.  Returns the time ADD took (s)
        and the container's IP address."""
        netns = self.sandbox('container-ns', host, ctr)
        t0 = time.monotonic()
        result = json.loads(self.cni('ADD', host, ctr, netns))
        t1 = time.monotonic()
        return t1 - t0, result['ips'][0]['address'].split('/')[0]

    def populate(self, n):
        """Attaches containers to hv1 until it has 'n'."""
        names = ['b%d' % i for i in range(self.n_containers, n)]
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda c: self.add('hv1', c), names))
        self.n_containers = n

    def log(self, host, daemon):
        return os.path.join(self.dir, 'sandbox', host, daemon + '.log')

    def shares(self, host, offsets, pairs, up_regex):
        """Returns, in ms, for each (interface, port) in 'pairs', the time
        from ovs-vswitchd's adding the interface on 'host' to the line of
        the controller's log that 'up_regex' matches for the port, looking
        at the logs from 'offsets' (vswitchd's, the controller's) on."""
        added = log_times(self.log(host, 'ovs-vswitchd'), offsets[0],
                          r'added interface (?P<name>\S+) on port')
        up = log_times(self.log(host, offsets[2]), offsets[1], up_regex)
        # The logs have millisecond timestamps.
        return [round((up[port] - added[iface]) * 1000)
                for iface, port in pairs]

    def log_offsets(self, host, controller):
        return (log_size(self.log(host, 'ovs-vswitchd')),
                log_size(self.log(host, controller)), controller)

    def measure_cni(self, k):
        """Returns lists of K ADD latencies, of K latencies until a ping to
        the container on hv2 succeeds, and of the controller's K shares, in
        ms."""
        add_ms, ping_ms, pairs = [], [], []
        offsets = self.log_offsets('hv1', 'sluice-controller')
        for i in range(k):
            ctr = 'm%d.%d' % (self.n_containers, i)
            netns = self.sandbox('container-ns', 'hv1', ctr)
            time.sleep(0.3)
            t0 = time.monotonic()
            self.cni('ADD', 'hv1', ctr, netns)
            t1 = time.monotonic()
            subprocess.run(['nsenter', '--net=' + netns, 'ping', '-q',
                            '-c', '1', '-w', '5', '-i', '0.002',
                            self.target], check=True,
                           stdout=subprocess.DEVNULL)
            t2 = time.monotonic()
            add_ms.append((t1 - t0) * 1000)
            ping_ms.append((t2 - t0) * 1000)
            self.cni('DEL', 'hv1', ctr, netns)
            veth = 'sl' + hashlib.sha1(
                (ctr + '/eth0').encode()).hexdigest()[:13]
            pairs.append((veth, 'hv1.%s.eth0' % ctr))
        share_ms = self.shares('hv1', offsets, pairs,
                               r'port (?P<name>\S+) is up')
        return add_ms, ping_ms, share_ms

    def measure_nb(self, k):
        """Returns lists of K latencies from "sluice-ctl port-add" to the
        port up, with a veth made beforehand (as OVN's are), and to a ping
        to the container on hv2, in ms."""
        ns = self.sandbox('netns', 'hv1')
        db = '--db=' + self.host_db('hv1')
        up_ms, ping_ms = [], []
        for i in range(k):
            port, veth = 'nb%d' % i, 'nbv%d' % i
            ip, mac = '10.0.250.%d' % (i + 2), '0a:58:0a:00:fa:%02x' % (i + 2)
            ctr = self.sandbox('container-ns', 'hv1', 'n%d.%d'
                               % (self.n_containers, i))
            run('ip', '-n', ns, 'link', 'add', veth, 'type', 'veth', 'peer',
                'name', 'eth0', 'netns', os.path.basename(ctr))
            run('ip', '-n', ns, 'link', 'set', veth, 'addrgenmode', 'none')
            run('ip', '-n', ns, 'link', 'set', veth, 'up')
            for cmd in (('link', 'set', 'eth0', 'address', mac, 'mtu',
                         '1450', 'up'),
                        ('addr', 'add', ip + '/16', 'dev', 'eth0'),
                        ('route', 'add', 'default', 'via', '10.0.0.1')):
                run('ip', '-n', os.path.basename(ctr), *cmd)
            time.sleep(0.3)
            t0 = time.monotonic()
            run('sluice-ctl', 'port-add', port, 'acme/web', 'chassis=hv1',
                'ips=' + ip, 'mac=' + mac)
            run('sluice-ctl', '--timeout=30', 'wait-until', 'Port', port,
                'ofport!=[]')
            ofport = run('sluice-ctl', 'get', 'Port', port, 'ofport').strip()
            run('ovs-vsctl', db, 'add-port', 'br-int', veth, '--', 'set',
                'Interface', veth, 'external_ids:sluice-port=' + port,
                'ofport_request=' + ofport)
            run('sluice-ctl', '--timeout=30', 'wait-until', 'Port', port,
                'up=true')
            t1 = time.monotonic()
            subprocess.run(['nsenter', '--net=' + ctr, 'ping', '-q', '-c',
                            '1', '-w', '5', '-i', '0.002', self.target],
                           check=True, stdout=subprocess.DEVNULL)
            t2 = time.monotonic()
            up_ms.append((t1 - t0) * 1000)
            ping_ms.append((t2 - t0) * 1000)
            run('ovs-vsctl', db, 'del-port', 'br-int', veth)
            run('sluice-ctl', 'port-del', port)
            run('ip', '-n', ns, 'link', 'del', veth)
        return up_ms, ping_ms

    def measure_floor(self, k):
        """Returns a list of K durations of "ovs-vsctl add-port" of a veth
        into hv1's br-int, in ms."""
        ns = self.sandbox('netns', 'hv1')
        db = '--db=' + self.host_db('hv1')
        times = []
        for i in range(k):
            run('ip', '-n', ns, 'link', 'add', 'floor%d' % i, 'type', 'veth',
                'peer', 'name', 'floorp%d' % i)
            time.sleep(0.3)
            t0 = time.monotonic()
            run('ovs-vsctl', db, 'add-port', 'br-int', 'floor%d' % i)
            times.append((time.monotonic() - t0) * 1000)
            run('ovs-vsctl', db, 'del-port', 'br-int', 'floor%d' % i)
            run('ip', '-n', ns, 'link', 'del', 'floor%d' % i)
        return times

    # OVN 23.03.

    def setup_ovn(self, start_controller=True):
        """OVN's central services, and host hv3 as its chassis."""
        self.ovn_central()
        self.ovn_host('hv3', '172.31.0.3/24', start_controller)

    def ovn_port(self, i):
        return ('lsp%d' % i, 'p%d' % i,
                '0a:00:00:00:%02x:%02x 10.1.%d.%d' % (i // 256, i % 256,
                                                      i // 250, i % 250 + 2))

    def populate_ovn(self, n):
        """Binds ports on hv3 until it has 'n', 100 at a time."""
        ns = self.sandbox('netns', 'hv3')
        db = '--db=' + self.host_db('hv3')
        while self.n_ovn_ports < n:
            batch = range(self.n_ovn_ports, min(n, self.n_ovn_ports + 100))
            nb_cmds, ovs_cmds = [], []
            for i in batch:
                lsp, iface, addr = self.ovn_port(i)
                run('ip', '-n', ns, 'link', 'add', iface, 'type', 'veth',
                    'peer', 'name', iface + 'p')
                nb_cmds += ['--', 'lsp-add', 'sw0', lsp,
                            '--', 'lsp-set-addresses', lsp, addr]
                ovs_cmds += ['--', 'add-port', 'br-int', iface, '--', 'set',
                             'Interface', iface,
                             'external_ids:iface-id=' + lsp]
            run('ovn-nbctl', self.ovn_nb, *nb_cmds)
            run('ovs-vsctl', db, *ovs_cmds)
            for i in batch:
                run('ovs-vsctl', db, '--timeout=120', 'wait-until',
                    'Interface', self.ovn_port(i)[1],
                    'external_ids:ovn-installed=true')
            self.n_ovn_ports = batch[-1] + 1

    def measure_ovn(self, k):
        """Returns a list of K attach latencies with OVN, in ms."""
        ns = self.sandbox('netns', 'hv3')
        db = '--db=' + self.host_db('hv3')
        times, pairs = [], []
        offsets = self.log_offsets('hv3', 'ovn-controller')
        for j in range(k):
            lsp, iface, addr = self.ovn_port(60000 + j)
            pairs.append((iface, lsp))
            run('ip', '-n', ns, 'link', 'add', iface, 'type', 'veth',
                'peer', 'name', iface + 'p')
            time.sleep(0.3)
            t0 = time.monotonic()
            run('ovn-nbctl', self.ovn_nb, 'lsp-add', 'sw0', lsp, '--',
                'lsp-set-addresses', lsp, addr)
            run('ovs-vsctl', db, 'add-port', 'br-int', iface, '--', 'set',
                'Interface', iface, 'external_ids:iface-id=' + lsp)
            run('ovs-vsctl', db, '--timeout=30', 'wait-until', 'Interface',
                iface, 'external_ids:ovn-installed=true')
            times.append((time.monotonic() - t0) * 1000)
            run('ovs-vsctl', db, 'del-port', 'br-int', iface)
            run('ovn-nbctl', self.ovn_nb, 'lsp-del', lsp)
            run('ip', '-n', ns, 'link', 'del', iface)
        return times, self.shares(
            'hv3', offsets, pairs,
            r'Setting lport (?P<name>\S+) ovn-installed in OVS')


def summary(values):
    return '%7.1f %7.1f %7.1f' % (percentile(values, 50),
                                  percentile(values, 99), max(values))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('builddir')
    parser.add_argument('--samples', type=int, default=30)
    parser.add_argument('--counts', default='0,100,1000')
    parser.add_argument('--no-ovn', action='store_true')
    benchlib.add_json_option(parser)
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(',')]
    if os.getuid():
        print('bench-cni: needs root (network namespaces)')
        return

    workdir = tempfile.mkdtemp(prefix='sluice-bench-')
    bench = Bench(os.path.abspath(args.builddir), workdir)
    ovn = not args.no_ovn and shutil.which('ovn-controller')
    rows = []
    try:
        bench.setup()
        if ovn:
            bench.setup_ovn()
        for n in counts:
            bench.populate(n)
            first = len(rows)
            add_ms, ping_ms, share_ms = bench.measure_cni(args.samples)
            nb_ms, nb_ping_ms = bench.measure_nb(args.samples)
            floor_ms = bench.measure_floor(args.samples)
            rows.append((n, 'add', 'sluice-cni ADD (port up)', add_ms))
            rows.append((n, 'ping', 'sluice-cni ADD -> cross-host ping',
                         ping_ms))
            rows.append((n, 'share', 'sluice-controller share', share_ms))
            rows.append((n, 'nb', 'port-add+add-port -> up', nb_ms))
            rows.append((n, 'nb_ping', 'port-add+add-port -> ping',
                         nb_ping_ms))
            rows.append((n, 'floor', 'floor: ovs-vsctl add-port', floor_ms))
            if ovn:
                bench.populate_ovn(n)
                ovn_ms, ovn_share_ms = bench.measure_ovn(args.samples)
                rows.append((n, 'ovn', 'OVN lsp-add+add-port -> '
                             'ovn-installed', ovn_ms))
                rows.append((n, 'ovn_share', 'ovn-controller share',
                             ovn_share_ms))
            for row in rows[first:]:
                print('%5d  %-40s %s' % (row[0], row[2], summary(row[3])),
                      flush=True)
    finally:
        bench.teardown()
        shutil.rmtree(workdir, ignore_errors=True)

    print('\nContainer attach latency, ms (%d samples each, nearest-rank '
          'percentiles)' % args.samples)
    print('%5s  %-40s %7s %7s %7s' % ('N', 'what', 'p50', 'p99', 'max'))
    for n, _, what, values in rows:
        print('%5d  %-40s %s' % (n, what, summary(values)))

    # Raw samples, in ms: {"samples": {N: {"add": [...], ...}}}.
    samples = {}
    for n, key, _, values in rows:
        samples.setdefault(str(n), {})[key] = values
    benchlib.write_json(args.json, {'samples': samples}, args)


if __name__ == '__main__':
    main()
