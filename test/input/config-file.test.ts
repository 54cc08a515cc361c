import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/input/config-file.js';

describe('configuration files', () => {
  it('reads a flat flink-conf.yaml with line numbers', () => {
    const { entries, error } = parseConfigText('# comment\nstate.backend: rocksdb\nstate.backend.rocksdb.localdir: /mnt/share/rocks\n', 'flink-conf.yaml');
    expect(error).toBeNull();
    expect(entries).toEqual([
      { key: 'state.backend', value: 'rocksdb', source: 'flink-conf.yaml', line: 2 },
      { key: 'state.backend.rocksdb.localdir', value: '/mnt/share/rocks', source: 'flink-conf.yaml', line: 3 },
    ]);
  });

  it('flattens a nested config.yaml (Flink 1.19+/2.x) to dotted keys', () => {
    const text = ['state:', '  backend:', '    type: rocksdb', '    rocksdb:', '      localdir: /mnt/share/rocks', 'execution:', '  checkpointing:', '    dir: file:///mnt/share/ckpt', '    incremental: true', 'io.tmp.dirs: [/tmp/a, /tmp/b]'].join('\n');
    const { entries } = parseConfigText(text, 'config.yaml');
    expect(entries.map((e) => [e.key, e.value, e.line])).toEqual([
      ['state.backend.type', 'rocksdb', 3],
      ['state.backend.rocksdb.localdir', '/mnt/share/rocks', 5],
      ['execution.checkpointing.dir', 'file:///mnt/share/ckpt', 8],
      ['execution.checkpointing.incremental', 'true', 9],
      ['io.tmp.dirs', '/tmp/a;/tmp/b', 10],
    ]);
  });

  it('falls back to line reading for legacy files that are not valid YAML', () => {
    const { entries } = parseConfigText('env.java.opts: -XX:+UseG1GC -Dfoo="a: b\nstate.backend: rocksdb\n', 'flink-conf.yaml');
    expect(entries.find((e) => e.key === 'state.backend')).toMatchObject({ value: 'rocksdb', line: 2 });
  });

  it('reports a file that is not configuration at all', () => {
    const { entries, error } = parseConfigText('\u0000\u0001binary', 'config.yaml');
    expect(entries).toEqual([]);
    expect(error).not.toBeNull();
  });
});
