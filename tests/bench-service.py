#! /usr/bin/env python3
# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# Benchmark of service insertion and of the data path against its limit
# and OVN 23.03 (make bench-service).  It prints figures and never passes
# or fails.
#
# On sandbox hosts (utilities/sluice-sandbox: namespaces, the userspace
# datapath, real veths), container c1 on hv1 talks to c2 on hv2 over
# Geneve, and a rule steers TCP port 5202 and ICMP through service acme/null,
# whose instances are "null" port pairs (a namespace whose two interfaces
# redirect every packet to each other: sluice-sandbox pair-add --wire), on
# hv1 unless --remote puts the first one on a third host.  It measures:
#
#   throughput   iperf3 c1 -> c2, direct (port 5201, not steered) and
#                through the null service (port 5202), back to back in
#                each run, and the median of the runs' ratios, with the
#                CPU time per GB of the main thread of the client host's
#                ovs-vswitchd, which forwards all its veths' packets; in
#                the same runs, the limit: iperf3 over a bare veth pair
#                between two namespaces (MTU 1450, TX checksum offload
#                off, like the containers' veths); and OVN 23.03: iperf3
#                between containers o1 and o2 of one logical switch on
#                hosts ovn1 and ovn2 (sandbox hosts with ovn-controller,
#                Geneve, container MTU 1442 since OVN's Geneve option
#                takes 8 bytes more), unless --no-ovn;
#   failover     with two instances, a ping every 10 ms crosses one, which
#                then fails: its links go down (a killed container:
#                OVS sees the port down and fails over in the data path),
#                or it stops forwarding with its links up (a hung one: the
#                controller's probes, every 100 ms, 3 failures, find out);
#                the time is the pings lost times 10 ms;
#   flows        datapath flows (ovs-appctl dpctl/dump-flows) on hv1 and
#                hv2 while 1,000 concurrent TCP connections c1 -> c2 each
#                send a few bytes, direct and through the service; the same
#                on ovn1 and ovn2 for o1 -> o2.
#
# OVN has no service insertion of this kind, so it has no figures through
# a service or for failover.  With --json=FILE, it also writes the figures
# to FILE for tests/bench-report.py.
#
# usage: bench-service.py BUILDDIR [--seconds=S] [--runs=K]
#                         [--connections=N] [--remote] [--no-ovn]
#                         [--json=FILE]

import argparse
import json
import os
import re
import statistics
import subprocess
import tempfile
import shutil
import sys
import time

import benchlib
from benchlib import run



# The paths that the benchmark measures: client, server, server's address
# and port, and the client's host (None for the bare veth pair).
PATHS = {'limit': ('l1', 'l2', '192.168.99.2', 5201, None),
         'direct': ('c1', 'c2', '10.0.0.3', 5201, 'hv1'),
         'service': ('c1', 'c2', '10.0.0.3', 5202, 'hv1'),
         'ovn': ('o1', 'o2', '10.1.0.3', 5201, 'ovn1')}


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

    def health(self, inst, state, chassis):
        def ok():
            h = run('sluice-ctl', 'get', 'Service_Instance', inst, 'health')
            return '%s=%s' % (chassis, state) in h
        self.wait_for(ok)

    def setup(self, remote):
        run('sluice-nbdb', '--dir=%s/nb' % self.dir, 'start')
        run('sluice-ctl', 'init')
        hosts = ('hv1', 'hv2', 'hv3') if remote else ('hv1', 'hv2')
        for i, host in enumerate(hosts):
            self.sandbox('host-add', host, '172.31.0.%d/24' % (i + 1),
                         '--controller=' + os.environ['SLUICE_NB_DB'])
        for host in hosts:
            self.wait_for(lambda: host in run(
                'sluice-ctl', '--bare', '--columns=name', 'list', 'Chassis'))
        run('sluice-ctl', 'tenant-add', 'acme', '--', 'network-add',
            'acme/web', '10.0.0.0/24', 'vni=5001')
        for ctr, host in (('c1', 'hv1'), ('c2', 'hv2')):
            run('sluice-ctl', 'port-add', ctr, 'acme/web', 'chassis=' + host)
            self.sandbox('container-add', host, ctr, '--port=' + ctr)
        self.wait_for(lambda: subprocess.call(
            ['sluice-sandbox', 'run', 'c1', 'ping', '-q', '-c', '1', '-W',
             '1', '10.0.0.3'], stdout=subprocess.DEVNULL) == 0)

        # The null service: instance n1 (on hv3 with --remote), and n2 on
        # hv1, disabled until the failover measurement.
        self.sandbox('pair-add', 'hv3' if remote else 'hv1', 'n1', '--wire')
        self.sandbox('pair-add', 'hv1', 'n2', '--wire')
        run('sluice-ctl', 'service-add', 'acme/null', 'interval=100',
            'failures=3',
            '--', 'instance-add', 'acme/null/n1', 'port-pair',
            'chassis=' + ('hv3' if remote else 'hv1'), 'in=n1-i', 'out=n1-o',
            '--', 'instance-add', 'acme/null/n2', 'port-pair',
            'chassis=hv1', 'in=n2-i', 'out=n2-o', 'enabled=false',
            '--', 'chain-add', 'acme/c1', 'null',
            '--', 'rule-add', 'acme/tcp', '100', 'redirect', 'c1',
            'protocol=tcp', 'dport=5202',
            '--', 'rule-add', 'acme/icmp', '100', 'redirect', 'c1',
            'protocol=icmp')
        self.health('n1', 'up', 'hv3' if remote else 'hv1')
        run('sluice-ctl', '--wait=hv', '--timeout=10', 'sync')

    def setup_limit(self):
        """Namespaces l1 (192.168.99.1) and l2 (192.168.99.2) joined by a
        bare veth pair."""
        ns = [self.sandbox('container-ns', 'fabric', name).split('/')[-1]
              for name in ('l1', 'l2')]
        run('ip', 'link', 'add', 'eth0', 'netns', ns[0], 'mtu', '1450',
            'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns[1],
            'mtu', '1450')
        for i, name in enumerate(ns):
            run('ip', 'netns', 'exec', name, 'ethtool', '-K', 'eth0', 'tx',
                'off')
            run('ip', '-n', name, 'addr', 'add', '192.168.99.%d/24' % (i + 1),
                'dev', 'eth0')
            run('ip', '-n', name, 'link', 'set', 'eth0', 'up')

    def setup_ovn(self):
        """OVN hosts ovn1 and ovn2, with containers o1 (10.1.0.2) and o2
        (10.1.0.3) on logical switch sw0."""
        self.ovn_central()
        for i, (host, ctr) in enumerate((('ovn1', 'o1'), ('ovn2', 'o2'))):
            self.ovn_host(host, '172.31.0.%d/24' % (11 + i))
            mac = '0a:00:00:01:00:%02x' % (i + 2)
            ip = '10.1.0.%d' % (i + 2)
            self.sandbox('container-add', host, ctr, ip + '/16',
                         '--mac=' + mac, '--mtu=1442')
            run('ovn-nbctl', self.ovn_nb, 'lsp-add', 'sw0', ctr, '--',
                'lsp-set-addresses', ctr, '%s %s' % (mac, ip))
            db = '--db=' + self.host_db(host)
            run('ovs-vsctl', db, 'add-port', 'br-int', ctr, '--', 'set',
                'Interface', ctr, 'external_ids:iface-id=' + ctr)
            run('ovs-vsctl', db, '--timeout=30', 'wait-until', 'Interface',
                ctr, 'external_ids:ovn-installed=true')
        self.wait_for(lambda: subprocess.call(
            ['sluice-sandbox', 'run', 'o1', 'ping', '-q', '-c', '1', '-W',
             '1', '10.1.0.3'], stdout=subprocess.DEVNULL) == 0)

    def teardown(self):
        self.kill_pids()
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

    def main_thread_cpu(self, host):
        """CPU seconds (user + system) that the main thread of 'host''s
        ovs-vswitchd has used."""
        with open('%s/%s/ovs-vswitchd.pid'
                  % (os.environ['SLUICE_SANDBOX'], host)) as f:
            pid = f.read().strip()
        with open('/proc/%s/task/%s/stat' % (pid, pid)) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')

    def iperf(self, path, seconds):
        """Returns the throughput of 'path' (a key of PATHS) in Gbit/s,
        and the CPU seconds per GB received of its client host's main
        thread (None for the bare veth pair)."""
        client, _, address, port, host = PATHS[path]
        cpu = host and self.main_thread_cpu(host)
        out = self.ns(client, 'iperf3', '-J', '-c', address, '-p',
                      str(port), '-t', str(seconds))
        received = json.loads(out)['end']['sum_received']
        cpu_per_gb = host and ((self.main_thread_cpu(host) - cpu)
                               / (received['bytes'] / 1e9))
        return received['bits_per_second'] / 1e9, cpu_per_gb

    def measure_throughput(self, paths, seconds, runs):
        """Returns {path: [Gbit/s of each run]} for 'paths', measured one
        after the other in each run, and {path: [CPU s per GB of each
        run]} for those with a client host."""
        servers = []
        for path in paths:
            _, server, address, port, _ = PATHS[path]
            servers.append(self.background(server, 'iperf3', '-s', '-B',
                                           address, '-p', str(port)))
            self.wait_for(lambda: ':%d ' % port in self.ns(server, 'ss',
                                                           '-ltn'))
        gbps = {path: [] for path in paths}
        cpu = {path: [] for path in paths if PATHS[path][4]}
        for _ in range(runs):
            for path in paths:
                rate, cpu_per_gb = self.iperf(path, seconds)
                gbps[path].append(rate)
                if path in cpu:
                    cpu[path].append(cpu_per_gb)
        for p in servers:
            p.kill()
            p.wait()
        return gbps, cpu

    # Failover.

    def forwarded(self, pair):
        """Packets that bump in the wire 'pair' has forwarded."""
        out = self.ns(pair, 'cat', '/sys/class/net/out/statistics/tx_packets')
        return int(out)

    def hang(self, pair, command, *args):
        """Runs "tc filter COMMAND" with 'args' on both interfaces of wire
        'pair' at priority 1, ahead of its redirections: adding a filter
        that sends every packet to the namespace's loopback instead, which
        drops them, hangs the pair; deleting it resumes the pair."""
        for side in ('in', 'out'):
            self.ns(pair, 'tc', 'filter', command, 'dev', side, 'ingress',
                    'prio', '1', *args)

    def measure_failover(self, how):
        """Fails the instance that a 10-ms ping crosses, 'how' "down" (its
        links go down) or "hung" (it stops forwarding).  Returns the
        failover time in ms."""
        run('sluice-ctl', '--wait=hv', '--timeout=10', 'instance-set',
            'acme/null/n2', 'enabled=true')
        self.health('n2', 'up', 'hv1')
        before = {p: self.forwarded(p) for p in ('n1', 'n2')}
        ping = self.background('c1', 'ping', '-q', '-i', '0.01', '-c',
                               '300', '-W', '1', '10.0.0.3')
        time.sleep(0.5)
        used = max(before, key=lambda p: self.forwarded(p) - before[p])
        if self.forwarded(used) - before[used] < 25:
            raise RuntimeError('the ping crosses no instance')
        if how == 'down':
            self.ns(used, 'ip', 'link', 'set', 'in', 'down')
        else:
            self.hang(used, 'add', 'protocol', 'all', 'u32', 'match', 'u32',
                      '0', '0', 'action', 'mirred', 'egress', 'redirect',
                      'dev', 'lo')
        out = ping.communicate()[0]
        m = re.search(r'(\d+) packets transmitted, (\d+) received', out)
        sent, received = int(m.group(1)), int(m.group(2))

        # Back to the starting point: n1 alone.
        if how == 'down':
            self.ns(used, 'ip', 'link', 'set', 'in', 'up')
        else:
            self.hang(used, 'del')
        chassis = run('sluice-ctl', 'get', 'Service_Instance', used,
                      'chassis')
        name = run('sluice-ctl', 'get', 'Chassis', chassis.strip(),
                   'name').strip().strip('"')
        self.health(used, 'up', name)
        run('sluice-ctl', '--wait=hv', '--timeout=10', 'instance-set',
            'acme/null/n2', 'enabled=false')
        return (sent - received) * 10

    # Datapath flows.

    def dp_flows(self, host):
        out = self.ns(host, 'ovs-appctl', 'dpctl/dump-flows')
        return len([l for l in out.splitlines()
                    if l and not l.startswith('flow-dump')])

    def measure_flows(self, path, n):
        """Returns the datapath flows of the client's and the server's hosts
        of 'path' (a key of PATHS) while N connections cross it."""
        client_ns, server_ns, address, port, _ = PATHS[path]
        hosts = ('ovn1', 'ovn2') if path == 'ovn' else ('hv1', 'hv2')
        server = self.background(server_ns, 'python3', '-c',
                                 benchlib.MANY_SERVER,
                                 address, str(port))
        self.wait_for(lambda: ':%d ' % port in self.ns(server_ns, 'ss',
                                                       '-ltn'))
        client = self.background(client_ns, 'python3', '-c',
                                 benchlib.MANY_CLIENT,
                                 address, str(port), str(n), '20')
        client.stdout.readline()
        time.sleep(3)
        flows = [self.dp_flows(h) for h in hosts]
        for p in (client, server):
            p.kill()
            p.wait()
        # Let the datapath flows of these connections expire.
        time.sleep(11)
        return flows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('builddir')
    parser.add_argument('--seconds', type=int, default=5)
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--connections', type=int, default=1000)
    parser.add_argument('--remote', action='store_true')
    parser.add_argument('--no-ovn', action='store_true')
    benchlib.add_json_option(parser)
    args = parser.parse_args()
    if os.getuid():
        print('bench-service: needs root (network namespaces)')
        return

    ovn = not args.no_ovn and shutil.which('ovn-controller')
    paths = ['limit', 'direct', 'service'] + (['ovn'] if ovn else [])
    workdir = tempfile.mkdtemp(prefix='sluice-bench-si-')
    bench = Bench(os.path.abspath(args.builddir), workdir)
    try:
        bench.setup(args.remote)
        bench.setup_limit()
        if ovn:
            bench.setup_ovn()
        gbps, cpu = bench.measure_throughput(paths, args.seconds,
                                             args.runs)
        failover = {how: [bench.measure_failover(how)
                          for _ in range(args.runs)]
                    for how in ('down', 'hung')}
        flows = {path: bench.measure_flows(path, args.connections)
                 for path in paths if path != 'limit'}
    finally:
        bench.teardown()
        shutil.rmtree(workdir, ignore_errors=True)

    where = 'on hv3' if args.remote else "on the client's host hv1"
    # Each run measures all paths back to back, so that its ratio is
    # little affected by what else the machine does meanwhile.
    direct, service = gbps['direct'], gbps['service']
    ratios = [s / d for d, s in zip(direct, service)]
    print('\nService insertion (null port pair %s)' % where)
    print('throughput, Gbit/s (iperf3 -t %d, median of %d): direct %.3f, '
          'through the service %.3f; ratio, median of the runs\' %.2f'
          % (args.seconds, args.runs, statistics.median(direct),
             statistics.median(service), statistics.median(ratios)))
    print('  runs (direct/service): %s'
          % ' '.join('%.3f/%.3f' % x for x in zip(direct, service)))
    print('  bare veth pair (the limit): %s'
          % ' '.join('%.3f' % x for x in gbps['limit']))
    if ovn:
        print('  OVN 23.03 direct: %s'
              % ' '.join('%.3f' % x for x in gbps['ovn']))
    print('client host\'s ovs-vswitchd main thread, CPU-s per GB, median: '
          '%s' % ', '.join('%s %.2f' % (path, statistics.median(cpu[path]))
                           for path in cpu))
    for how, what in (('down', 'links down'), ('hung', 'hung')):
        print('failover, ms (pings lost x 10 ms), instance %s: %s'
              % (what, ' '.join(str(x) for x in failover[how])))
    print('datapath flows, %d concurrent connections (client\'s host, '
          'server\'s host): %s' % (args.connections, '; '.join(
              '%s %d, %d' % ((path,) + tuple(flows[path]))
              for path in flows)))
    benchlib.write_json(args.json, {
        'service_host': 'hv3' if args.remote else 'hv1',
        'throughput_gbps': gbps, 'main_thread_cpu_s_per_gb': cpu,
        'failover_ms': failover,
        'connections': args.connections, 'datapath_flows': flows}, args)


if __name__ == '__main__':
    sys.exit(main())
