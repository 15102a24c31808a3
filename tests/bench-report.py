#! /usr/bin/env python3
# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# The benchmark report (make bench, make bench-report): reads the JSON files
# that the benchmarks wrote into RESULTS-DIR and writes REPORT-DIR/report.md,
# a table of Sluice against OVN 23.03 and the floor or limit of each
# measure, with PNG plots beside it.
#
# It knows the files of tests/bench-cni.py (cni.json), bench-scale.py
# (scale.json) and bench-service.py (service.json).  Any other JSON file in
# RESULTS-DIR gets a section of its own, a table of its figures: a file
# holds a dict whose values are figures (numbers or strings), or dicts of
# figures, one column per key; key "meta" (benchlib.write_json) is when and
# how the benchmark ran.
#
# usage: bench-report.py RESULTS-DIR REPORT-DIR

import glob
import json
import os
import statistics
import sys

try:
    import matplotlib
except ImportError:
    sys.exit('bench-report: needs matplotlib (Debian: python3-matplotlib)')
matplotlib.use('Agg')
import matplotlib.patches  # noqa: E402 (after the backend)
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

from benchlib import percentile  # noqa: E402

KNOWN = ('cni', 'scale', 'service')
SLUICE, OVN, LIMIT, SERVICE = '#1f77b4', '#d62728', '#7f7f7f', '#2ca02c'
CNI_LABELS = {'add': 'sluice-cni ADD (port up)',
              'ping': 'sluice-cni ADD → cross-host ping',
              'share': 'sluice-controller share',
              'nb': 'sluice-ctl port-add + add-port → up',
              'nb_ping': 'sluice-ctl port-add + add-port → cross-host ping',
              'floor': 'floor: ovs-vsctl add-port',
              'ovn': 'OVN: lsp-add + add-port → ovn-installed',
              'ovn_share': 'ovn-controller share'}
NO_SI = ('OVN 23.03 has no service insertion comparable to Sluice\'s: no '
         'way to steer a port\'s traffic through a chain of service '
         'instances chosen per connection and health-checked (its ACLs '
         'allow, drop or reject; its load balancers rewrite the '
         'destination to a backend).  So there is no OVN figure through a '
         'service, for instance failover, or for a service\'s datapath '
         'flows: "n/a".')


def fmt(x):
    """Formats figure 'x' for a table."""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    if isinstance(x, float):
        if abs(x) < 10:
            return '%.3g' % x
        return '%.1f' % x if abs(x) < 1000 else '{:,.0f}'.format(x)
    if isinstance(x, int):
        return '{:,}'.format(x)
    return str(x)


def p50_p99(values):
    return '%s / %s' % (fmt(float(percentile(values, 50))),
                        fmt(float(percentile(values, 99))))


def median(values):
    return statistics.median(values) if values else None


def table(header, rows):
    """Returns a markdown table."""
    lines = ['| ' + ' | '.join(header) + ' |',
             '|' + '---|' * len(header)]
    lines += ['| ' + ' | '.join(fmt(c) for c in row) + ' |' for row in rows]
    return '\n'.join(lines) + '\n'


def meta_line(name, data):
    meta = data.get('meta', {})
    options = ', '.join('%s=%s' % kv
                        for kv in sorted(meta.get('options', {}).items()))
    return ('*%s: run from %s to %s, load average %.1f at its end; '
            'options: %s.*\n\n'
            % (name, meta.get('started', '?'), meta.get('finished', '?'),
               meta.get('loadavg', 0), options or 'none')) if meta else ''


class Report:
    def __init__(self, results, outdir):
        self.outdir = outdir
        self.data = {}
        for path in sorted(glob.glob(os.path.join(results, '*.json'))):
            name = os.path.basename(path)[:-len('.json')]
            try:
                with open(path) as f:
                    self.data[name] = json.load(f)
            except ValueError as e:
                sys.exit('bench-report: %s: %s' % (path, e))
            if not isinstance(self.data[name], dict):
                sys.exit('bench-report: %s: not a JSON object' % path)
        if not self.data:
            sys.exit('bench-report: no JSON files in %s' % results)
        self.summary = []
        self.sections = []

    def plot(self, fig, name, title, rect=None):
        """Saves figure 'fig' as NAME.png, its plots laid out within 'rect'
        (left, bottom, right, top, fractions of the figure), and returns a
        markdown image."""
        fig.tight_layout(rect=rect)
        fig.savefig(os.path.join(self.outdir, name + '.png'), dpi=100)
        plt.close(fig)
        return '![%s](%s.png)\n' % (title, name)

    # Attach latency (bench-cni.py).

    def cni(self, d):
        series = (('add', 'Sluice: sluice-cni ADD (port up)', SLUICE, '-'),
                  ('ping', 'Sluice: ADD → cross-host ping', SLUICE, '--'),
                  ('nb', 'Sluice: NB port + add-port → up', SLUICE, ':'),
                  ('ovn', 'OVN: lsp-add + add-port → ovn-installed', OVN,
                   '-'),
                  ('floor', 'floor: ovs-vsctl add-port', LIMIT, '-'))
        counts = sorted(d['samples'], key=int)
        fig, axes = plt.subplots(1, len(counts), squeeze=False,
                                 figsize=(4.5 * len(counts), 4.4))
        rows = []
        for ax, n in zip(axes[0], counts):
            s = d['samples'][n]
            for key, label, color, style in series:
                if key in s:
                    v = sorted(s[key])
                    ax.step([v[0]] + v,
                            [i / len(v) for i in range(len(v) + 1)],
                            where='post', color=color, linestyle=style,
                            label=label)
            ax.set_xscale('log')
            for axis in (ax.xaxis.set_major_formatter,
                         ax.xaxis.set_minor_formatter):
                axis(matplotlib.ticker.FuncFormatter(
                    lambda x, _: '%g' % x))
            ax.set_title('%s ports present' % fmt(int(n)))
            ax.set_xlabel('ms')
            ax.set_ylabel('fraction of attaches')
            ax.grid(True, which='both', alpha=0.3)
            na = 'not run' if 'ovn' not in s else None
            rows.append(('attach with %s ports, veth made beforehand: '
                         'northbound port + bridge port until up (OVN: '
                         'ovn-installed), p50 / p99 ms' % fmt(int(n)),
                         p50_p99(s['nb']), na or p50_p99(s['ovn']),
                         'floor ' + p50_p99(s['floor'])))
            rows.append(('attach with %s ports: sluice-cni ADD (veth made '
                         'too) until the port is up' % fmt(int(n)),
                         p50_p99(s['add']), 'not measured', ''))
            rows.append(('attach with %s ports: sluice-cni ADD until a '
                         'cross-host ping'
                         % fmt(int(n)), p50_p99(s['ping']),
                         'not measured', ''))
            rows.append(('attach with %s ports: the controller\'s share'
                         % fmt(int(n)), p50_p99(s['share']),
                         na or p50_p99(s['ovn_share']), ''))
        fig.legend(*axes[0][0].get_legend_handles_labels(),
                   loc='lower center', ncol=2, fontsize='small')
        image = self.plot(fig, 'attach-cdf', 'attach latency CDF',
                          rect=(0, 0.12, 1, 1))
        self.summary += rows
        n_samples = len(d['samples'][counts[0]]['add'])
        self.sections.append(
            '## Attach latency\n\n' + meta_line('bench-cni', d) +
            'Cumulative distribution of %d attaches per count of ports '
            'already on the host (log scale).  Sluice: `sluice-cni ADD` '
            'until it returns (port up), and until the new container '
            'reaches one on another host; and, with a veth made '
            'beforehand as for OVN, `sluice-ctl port-add` with the chassis, '
            'the wait for the OpenFlow port number that the controller '
            'reserves with the port\'s flows, `ovs-vsctl add-port` with '
            'that `ofport_request`, until the port is up.  OVN 23.03: '
            '`ovn-nbctl lsp-add`, `ovs-vsctl add-port` and the wait for '
            '`ovn-installed`.  The floor: a bare `ovs-vsctl add-port`.\n\n'
            % n_samples + image +
            '\n' + table(('ports present', 'what', 'p50 ms', 'p99 ms',
                          'max ms'),
                         [(fmt(int(n)), CNI_LABELS[key], percentile(v, 50),
                           percentile(v, 99), max(v))
                          for n in counts
                          for key, v in d['samples'][n].items()]))

    # Convergence at scale (bench-scale.py).

    def scale(self, d):
        ctl = d['controllers']
        names = [n for n in ('sluice-controller', 'ovn-controller')
                 if n in ctl]
        colors = [SLUICE if n.startswith('sluice') else OVN for n in names]
        fig, axes = plt.subplots(1, 3, figsize=(11, 3.6))
        for ax, key, label in ((axes[0], 'seconds', 'convergence, s'),
                               (axes[1], 'cpu_s', 'CPU, s'),
                               (axes[2], 'rss_mb', 'RSS (peak), MB')):
            bars = ax.bar(names, [ctl[n][key] for n in names], color=colors)
            if key == 'rss_mb':
                ax.scatter(names, [ctl[n]['peak_mb'] for n in names],
                           marker='_', s=800, color='black', zorder=3)
            ax.bar_label(bars, fmt='%.3g', padding=6)
            ax.set_title(label)
        fig.suptitle('Cold start, %s ports on %s chassis'
                     % (fmt(d['ports']), fmt(d['chassis'])))
        image = self.plot(fig, 'scale', 'convergence at scale')

        def cell(name, key):
            return fmt(ctl[name][key]) if name in ctl else 'not run'
        what = '%s ports on %s chassis' % (fmt(d['ports']),
                                           fmt(d['chassis']))
        for key, label in (('seconds', 'convergence, s'),
                           ('flows', 'OpenFlow flows'),
                           ('cpu_s', 'controller CPU, s'),
                           ('rss_mb', 'controller RSS, MB'),
                           ('peak_mb', 'controller peak RSS, MB')):
            self.summary.append(('cold start, %s: %s' % (what, label),
                                 cell('sluice-controller', key),
                                 cell('ovn-controller', key), ''))
        self.sections.append(
            '## Convergence and memory at scale\n\n' +
            meta_line('bench-scale', d) +
            'A host\'s controller starts cold with %s: time until its '
            'flow table stops changing, the controller\'s CPU time and '
            'memory (bar: RSS at the end; black mark: peak).\n\n' % what +
            image + '\n' +
            table(('controller', 'converged, s', 'flows', 'CPU s',
                   'RSS MB', 'peak MB'),
                  [(n,) + tuple(ctl[n][k] for k in ('seconds', 'flows',
                                                   'cpu_s', 'rss_mb',
                                                   'peak_mb'))
                   for n in names]))

    # Data path and service insertion (bench-service.py).

    def service(self, d):
        gbps, flows = d['throughput_gbps'], d['datapath_flows']
        cpu = d['main_thread_cpu_s_per_gb']
        paths = [('limit', 'bare veth\n(the limit)', LIMIT),
                 ('direct', 'Sluice\ndirect', SLUICE),
                 ('service', 'Sluice through\na null service', SERVICE),
                 ('ovn', 'OVN 23.03\ndirect', OVN)]
        paths = [p for p in paths if p[0] in gbps]
        fig, ax = plt.subplots(figsize=(7, 4))
        bars = ax.bar([p[1] for p in paths],
                      [median(gbps[p[0]]) for p in paths],
                      color=[p[2] for p in paths])
        for i, p in enumerate(paths):
            ax.scatter([i + 0.25] * len(gbps[p[0]]), gbps[p[0]],
                       color='black', s=10, zorder=3)
        ax.bar_label(bars, fmt='%.2f')
        ax.set_ylabel('Gbit/s (bar: median; dots: runs)')
        ax.set_title('iperf3 throughput, %d run(s)'
                     % len(gbps['direct']))
        images = self.plot(fig, 'throughput', 'throughput')

        n = d['connections']
        fpaths = [p for p in paths if p[0] in flows]
        fig, ax = plt.subplots(figsize=(7, 4))
        width = 0.38
        for j, (host, hatch) in enumerate((('client\'s host', ''),
                                           ('server\'s host', '//'))):
            bars = ax.bar([i + (j - 0.5) * width
                           for i in range(len(fpaths))],
                          [flows[p[0]][j] for p in fpaths], width,
                          color=[p[2] for p in fpaths], hatch=hatch,
                          edgecolor='white', label=host)
            ax.bar_label(bars)
        ax.set_xticks(range(len(fpaths)), [p[1] for p in fpaths])
        ax.set_ylabel('datapath flows')
        ax.set_title('Megaflows with %s concurrent TCP connections'
                     % fmt(n))
        ax.legend(handles=[
            matplotlib.patches.Patch(facecolor=LIMIT, hatch=hatch,
                                     edgecolor='white', label=host)
            for host, hatch in (('client\'s host', ''),
                                ('server\'s host', '//'))],
                  fontsize='small')
        images += self.plot(fig, 'megaflows', 'megaflows')

        fail = d['failover_ms']
        fig, ax = plt.subplots(figsize=(6, 3.6))
        labels = ('instance\'s links down', 'instance hung')
        for i, how in enumerate(('down', 'hung')):
            ax.bar_label(ax.bar(i, median(fail[how]), color=SERVICE))
            ax.scatter([i + 0.25] * len(fail[how]), fail[how],
                       color='black', s=10, zorder=3)
        ax.bar(2, 0)
        ax.text(2, 0, 'OVN 23.03:\nn/a', ha='center', va='bottom')
        ax.set_xticks(range(3), labels + ('',))
        ax.set_ylabel('ms (bar: median; dots: runs)')
        ax.set_title('Sluice service failover')
        images += self.plot(fig, 'failover', 'failover')

        def runs(key):
            return '%.3f (%s)' % (median(gbps[key]), ', '.join(
                '%.3f' % x for x in gbps[key])) if key in gbps else ''
        ovn = 'ovn' in gbps
        na = 'n/a ¹'
        self.summary += [
            ('throughput direct, Gbit/s, median (runs)', runs('direct'),
             runs('ovn') if ovn else 'not run',
             'bare veth ' + runs('limit')),
            ('throughput through a null service, Gbit/s', runs('service'),
             na, ''),
            ('throughput through the service / direct, median of the '
             'runs\' ratios',
             '%.2f' % median([s / x for x, s in zip(gbps['direct'],
                                                    gbps['service'])]),
             na, ''),
            ('ovs-vswitchd main thread of the client\'s host, CPU-s per '
             'GB, median: direct / through the service',
             '%.2f / %.2f' % (median(cpu['direct']), median(cpu['service'])),
             '%.2f / n/a ¹' % median(cpu['ovn']) if 'ovn' in cpu
             else 'not run', ''),
            ('failover, instance\'s links down, ms, median (runs)',
             '%s (%s)' % (fmt(median(fail['down'])),
                          ', '.join(map(fmt, fail['down']))), na, ''),
            ('failover, instance hung, ms, median (runs)',
             '%s (%s)' % (fmt(median(fail['hung'])),
                          ', '.join(map(fmt, fail['hung']))), na, ''),
            ('datapath flows, %s connections, direct (client\'s host, '
             'server\'s host)' % fmt(n), '%d, %d' % tuple(flows['direct']),
             '%d, %d' % tuple(flows['ovn']) if ovn else 'not run', ''),
            ('datapath flows, %s connections, through the service' % fmt(n),
             '%d, %d' % tuple(flows['service']), na, '')]
        self.sections.append(
            '## Throughput, megaflows and failover\n\n' +
            meta_line('bench-service', d) +
            'Container to container across two simulated hosts (Geneve, '
            'userspace datapath): Sluice direct and through a null service '
            '(a port pair on %s), OVN 23.03 direct, all in the same runs '
            'as iperf3 over a bare veth pair between two namespaces, the '
            'limit.  Megaflows: `dpctl/dump-flows` on the client\'s and '
            'the server\'s hosts while %s TCP connections are open.  '
            'Failover: pings lost × 10 ms when the instance that a ping '
            'crosses fails.\n\n' % (d['service_host'], fmt(n)) + images +
            '\n¹ ' + NO_SI + '\n')

    # Any other benchmark.

    def generic(self, name, d):
        figures = {k: v for k, v in d.items() if k != 'meta'}
        scalars = [(k, v) for k, v in figures.items()
                   if not isinstance(v, dict)]
        nested = {k: v for k, v in figures.items() if isinstance(v, dict)}
        text = ('## bench-%s\n\n%sThe figures of %s.json.\n\n'
                % (name, meta_line('bench-' + name, d), name))
        if scalars:
            text += table(('figure', 'value'), scalars) + '\n'
        if nested:
            columns = []
            for v in nested.values():
                columns += [c for c in v if c not in columns]
            text += table(['figure'] + columns,
                          [[k] + [v.get(c, '') for c in columns]
                           for k, v in nested.items()])
        self.sections.append(text)

    def write(self):
        for name in KNOWN:
            if name in self.data:
                getattr(self, name)(self.data[name])
        for name, d in self.data.items():
            if name not in KNOWN:
                self.generic(name, d)
        metas = [d['meta'] for d in self.data.values() if 'meta' in d]
        started = min((m['started'] for m in metas), default='?')
        finished = max((m['finished'] for m in metas), default='?')
        missing = [n for n in KNOWN if n not in self.data]
        first = metas[0] if metas else {}
        text = ('# Sluice against OVN 23.03: benchmark report\n\n'
                'Run from %s to %s on this machine: %s CPUs, Linux %s, %s '
                'with Sluice\'s patches; %s from Debian (ovn-central, '
                'ovn-host) on the same `ovs-vswitchd`.  The method of each '
                'benchmark is in docs/benchmarks.md.\n\n'
                % (started, finished, first.get('nproc', '?'),
                   first.get('kernel', '?'), first.get('ovs', 'OVS ?'),
                   first.get('ovn', 'OVN')))
        if missing:
            text += ('Not run: %s (no %s in the results).\n\n'
                     % (', '.join('bench-%s' % n for n in missing),
                        ', '.join('%s.json' % n for n in missing)))
        if self.summary:
            text += ('## Summary\n\n' +
                     table(('measure', 'Sluice', 'OVN 23.03',
                            'floor / limit'), self.summary) + '\n')
            if 'service' in self.data:
                text += '¹ ' + NO_SI + '\n\n'
        text += '\n'.join(self.sections)
        path = os.path.join(self.outdir, 'report.md')
        with open(path, 'w') as f:
            f.write(text)
        return path


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: bench-report.py RESULTS-DIR REPORT-DIR')
    report = Report(sys.argv[1], sys.argv[2])
    os.makedirs(sys.argv[2], exist_ok=True)
    print('benchmark report: %s' % report.write())


if __name__ == '__main__':
    main()
