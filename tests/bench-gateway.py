#! /usr/bin/env python3
# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# Benchmark of the gateway (make bench-gateway).  It prints figures and
# never passes or fails; with --json=FILE it also writes them to FILE, as
# one flat object of named numbers (with "meta", see benchlib.write_json).
#
# On sandbox hosts (utilities/sluice-sandbox: namespaces, the userspace
# datapath, real veths), container c1 on compute host hv1 talks through
# gateway host gw1 (docs/gateway.md) to external host ext, beyond gw1's
# uplink.  Router acme/r1 is either plain (routing and conntrack, no NAT,
# no firewall rule; ext routes the tenant's subnet to the router) or
# "full" (SNAT to its external IP and 10 firewall rules).  It measures:
#
#   throughput   iperf3 c1 -> ext, plain and full, back to back in each run,
#                and the median of the runs' ratios;
#   connections  new TCP connections per second that c1 opens (and closes)
#                to ext, one after another, through the full router;
#   datapath     upcalls and datapath flows (megaflows) on hv1 and gw1 for
#                1,000 concurrent connections c1 -> ext that each send a
#                few bytes, through the full router, and how many of hv1's
#                flows match an L4 port (stateless forwarding should not);
#   latency      the round trip of a connection's first packet (no datapath
#                flow, no conntrack entry: upcalls on both hosts) against
#                its later packets (ping, median of the runs).
#
# usage: bench-gateway.py BUILDDIR [--seconds=S] [--runs=K]
#                         [--connections=N] [--json=FILE]

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import benchlib
from benchlib import run

# New connections, one after another, for a number of seconds: a server
# that accepts and closes, and a client that prints how many completed.
ACCEPT = r'''
import socket, sys
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((sys.argv[1], int(sys.argv[2])))
srv.listen(1024)
while True:
    srv.accept()[0].close()
'''
CONNECT = r'''
import socket, sys, time
n = 0
end = time.monotonic() + float(sys.argv[3])
while time.monotonic() < end:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 5)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
    s.close()
    n += 1
print(n)
'''

EXT_IP = '203.0.113.1'
FIREWALL = [('to-external', 'deny', 'protocol=tcp', 'dport=%d' % p)
            for p in (23, 25, 135, 139, 445)] + \
           [('from-external', 'allow', 'protocol=tcp', 'dport=%d' % p)
            for p in (22, 80, 443, 8080, 8443)]


class Bench(benchlib.Sandbox):
    def __init__(self, builddir, workdir):
        super().__init__(builddir, workdir)
        self.procs = []

    def ns(self, name, *args):
        return self.sandbox('run', name, *args)

    def background(self, name, *args):
        p = subprocess.Popen(['sluice-sandbox', 'run', name] + list(args),
                             stdout=subprocess.PIPE, universal_newlines=True)
        self.procs.append(p)
        return p

    def setup(self):
        run('sluice-nbdb', '--dir=%s/nb' % self.dir, 'start')
        run('sluice-ctl', 'init')
        nb = '--controller=' + os.environ['SLUICE_NB_DB']
        self.sandbox('host-add', 'hv1', '172.31.0.1/24', nb)
        self.sandbox('host-add', 'gw1', '172.31.0.9/24', nb,
                     '--roles=gateway')
        for host in ('hv1', 'gw1'):
            self.wait_for(lambda: host in run(
                'sluice-ctl', '--bare', '--columns=name', 'list', 'Chassis'))
        self.sandbox('external-add', 'gw1', 'ext', '172.16.0.1/24', EXT_IP)
        self.ns('ext', 'ip', 'route', 'add', '10.0.0.0/24', 'via',
                '172.16.0.10')
        run('sluice-ctl', 'gateway-add', 'edge', 'gw1', 'uplink',
            '172.16.0.0/24', 'nexthop=172.16.0.1',
            '--', 'tenant-add', 'acme',
            '--', 'network-add', 'acme/web', '10.0.0.0/24',
            '--', 'router-add', 'acme/r1', 'gateway=edge',
            'external-ip=172.16.0.10',
            '--', 'network-set', 'acme/web', 'router=r1',
            '--', 'port-add', 'c1', 'acme/web', 'chassis=hv1')
        self.sandbox('container-add', 'hv1', 'c1', '--port=c1')
        self.wait_for(lambda: subprocess.call(
            ['sluice-sandbox', 'run', 'c1', 'ping', '-q', '-c', '1', '-W',
             '1', EXT_IP], stdout=subprocess.DEVNULL) == 0)

    def set_full(self, full):
        """Gives router acme/r1 SNAT and its firewall rules, or takes them
        away."""
        if full:
            args = ['--may-exist', 'nat-add', 'acme/r1', 'snat',
                    '172.16.0.10', '10.0.0.0/24']
            for i, rule in enumerate(FIREWALL):
                args += ['--', '--may-exist', 'fw-add', 'acme/r1',
                         str(100 + i)] + list(rule)
        else:
            args = ['--if-exists', 'nat-del', 'acme/r1', 'snat',
                    '172.16.0.10']
            for i, rule in enumerate(FIREWALL):
                args += ['--', '--if-exists', 'fw-del', 'acme/r1',
                         str(100 + i), rule[0]]
        run('sluice-ctl', '--wait=hv', '--timeout=10', *args)
        # Connections of the other mode are gone from conntrack.
        self.ns('gw1', 'ovs-appctl', 'dpctl/flush-conntrack')

    def teardown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        try:
            with open('%s/nb/sluice-nb.pid' % self.dir) as f:
                os.kill(int(f.read()), 15)
        except (OSError, ValueError):
            pass
        subprocess.call(['sluice-sandbox', 'teardown'])

    # Throughput.

    def iperf(self, seconds):
        out = self.ns('c1', 'iperf3', '-J', '-c', EXT_IP, '-p', '5201',
                      '-t', str(seconds))
        return json.loads(out)['end']['sum_received']['bits_per_second']

    def measure_throughput(self, seconds, runs):
        server = self.background('ext', 'iperf3', '-s', '-B', EXT_IP, '-p',
                                 '5201')
        self.wait_for(lambda: ':5201 ' in self.ns('ext', 'ss', '-ltn'))
        plain, full = [], []
        for _ in range(runs):
            self.set_full(False)
            plain.append(self.iperf(seconds) / 1e9)
            self.set_full(True)
            full.append(self.iperf(seconds) / 1e9)
        server.kill()
        server.wait()
        return plain, full

    # New connections per second.

    def measure_connections(self, seconds):
        server = self.background('ext', 'python3', '-c', ACCEPT, EXT_IP,
                                 '5301')
        self.wait_for(lambda: ':5301 ' in self.ns('ext', 'ss', '-ltn'))
        n = int(self.ns('c1', 'python3', '-c', CONNECT, EXT_IP, '5301',
                        str(seconds)))
        server.kill()
        server.wait()
        return n / seconds

    # Upcalls and datapath flows.

    def dp_flows(self, host):
        out = self.ns(host, 'ovs-appctl', 'dpctl/dump-flows')
        return [l for l in out.splitlines()
                if l and not l.startswith('flow-dump')]

    def missed(self, host):
        out = self.ns(host, 'ovs-appctl', 'dpctl/show')
        return int(re.search(r'missed:(\d+)', out).group(1))

    def measure_datapath(self, n):
        # Let the datapath flows of earlier traffic expire.
        time.sleep(11)
        server = self.background('ext', 'python3', '-c',
                                 benchlib.MANY_SERVER, EXT_IP,
                                 '5302')
        self.wait_for(lambda: ':5302 ' in self.ns('ext', 'ss', '-ltn'))
        before = {h: self.missed(h) for h in ('hv1', 'gw1')}
        client = self.background('c1', 'python3', '-c',
                                 benchlib.MANY_CLIENT, EXT_IP,
                                 '5302', str(n), '20')
        client.stdout.readline()
        time.sleep(3)
        upcalls = {h: self.missed(h) - before[h] for h in ('hv1', 'gw1')}
        flows = {h: self.dp_flows(h) for h in ('hv1', 'gw1')}
        for p in (client, server):
            p.kill()
            p.wait()
        l4 = len([f for f in flows['hv1'] if re.search(r'tcp\(', f)
                  and not re.search(r'tcp\(\)', f)])
        return upcalls, {h: len(f) for h, f in flows.items()}, l4

    # First-packet latency.

    def rtts(self, count):
        out = self.ns('c1', 'ping', '-c', str(count), '-i', '0.2', '-W',
                      '1', EXT_IP)
        return [float(x) for x in re.findall(r'time=([\d.]+) ms', out)]

    def measure_latency(self, runs):
        # Datapath flows expire after 1 s idle instead of 10, and each run
        # waits until they have.  (Deleting them with dpctl/del-flows
        # would not do: the upcall handlers would keep their keys, fail to
        # install them again, and send every packet through the slow
        # path.)
        for host in ('hv1', 'gw1'):
            self.ns(host, 'ovs-vsctl', 'set', 'open_vswitch', '.',
                    'other_config:max-idle=1000')
        first, later, upcalls = [], [], []
        for _ in range(runs):
            self.wait_for(lambda: not self.dp_flows('hv1')
                          and not self.dp_flows('gw1'))
            time.sleep(1)
            self.ns('gw1', 'ovs-appctl', 'dpctl/flush-conntrack')
            before = sum(self.missed(h) for h in ('hv1', 'gw1'))
            rtts = self.rtts(6)
            if len(rtts) == 6:
                first.append(rtts[0])
                later.append(statistics.median(rtts[1:]))
                upcalls.append(sum(self.missed(h) for h in ('hv1', 'gw1'))
                               - before)
        return first, later, upcalls


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('builddir')
    parser.add_argument('--seconds', type=int, default=5)
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--connections', type=int, default=1000)
    benchlib.add_json_option(parser)
    args = parser.parse_args()
    if os.getuid():
        print('bench-gateway: needs root (network namespaces)')
        return

    workdir = tempfile.mkdtemp(prefix='sluice-bench-gw-')
    bench = Bench(os.path.abspath(args.builddir), workdir)
    try:
        bench.setup()
        plain, full = bench.measure_throughput(args.seconds, args.runs)
        cps = bench.measure_connections(args.seconds)
        upcalls, flows, l4 = bench.measure_datapath(args.connections)
        first, later, ping_upcalls = bench.measure_latency(args.runs * 2)
    finally:
        bench.teardown()
        shutil.rmtree(workdir, ignore_errors=True)

    ratios = [f / p for p, f in zip(plain, full)]
    figures = {
        'throughput_plain_gbps': statistics.median(plain),
        'throughput_snat_firewall_gbps': statistics.median(full),
        'throughput_ratio': statistics.median(ratios),
        'new_connections_per_s': cps,
        'connections': args.connections,
        'upcalls_compute': upcalls['hv1'],
        'upcalls_gateway': upcalls['gw1'],
        'megaflows_compute': flows['hv1'],
        'megaflows_gateway': flows['gw1'],
        'megaflows_compute_matching_l4': l4,
        'first_packet_rtt_ms': statistics.median(first),
        'later_packet_rtt_ms': statistics.median(later),
        'latency_run_upcalls': statistics.median(ping_upcalls),
    }

    print('\nGateway (c1 on hv1 -> gateway gw1 -> external host)')
    print('throughput, Gbit/s (iperf3 -t %d, median of %d): plain routing '
          '%.3f, SNAT + %d firewall rules %.3f; ratio, median of the runs\' '
          '%.2f' % (args.seconds, args.runs, figures['throughput_plain_gbps'],
                    len(FIREWALL), figures['throughput_snat_firewall_gbps'],
                    figures['throughput_ratio']))
    print('  runs (plain/full): %s'
          % ' '.join('%.3f/%.3f' % x for x in zip(plain, full)))
    print('new connections per second (one after another, SNAT + firewall): '
          '%.0f' % cps)
    print('%d concurrent connections (SNAT + firewall): upcalls hv1 %d, '
          'gw1 %d; datapath flows hv1 %d, gw1 %d; hv1 flows matching L4 '
          'ports %d' % (args.connections, upcalls['hv1'], upcalls['gw1'],
                        flows['hv1'], flows['gw1'], l4))
    print('latency, ms (ping, median of %d): first packet %.3f, later '
          'packets %.3f; upcalls per run of 6 pings (hv1 + gw1) %g'
          % (len(first), figures['first_packet_rtt_ms'],
             figures['later_packet_rtt_ms'],
             figures['latency_run_upcalls']))
    benchlib.write_json(args.json, figures, args)


if __name__ == '__main__':
    sys.exit(main())
