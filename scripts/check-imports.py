#!/usr/bin/env python3
"""Every module a target imports is declared in Package.swift (a transitive import compiles, but
breaks when the dependency graph changes). Exits 1 listing each undeclared import."""
import os, re, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
pkg = open(os.path.join(root, 'Package.swift')).read()
SYSTEM = {'Foundation', 'FoundationEssentials', 'FoundationNetworking', 'Dispatch', 'Glibc', 'Musl', 'XCTest', 'Testing', 'Darwin', 'os', 'Synchronization'}

targets = {}
# Each target's text runs from its `.target(name:` to the next one (comments dropped first).
body = re.sub(r'//[^\n]*', '', pkg)
starts = list(re.finditer(r'\.(target|testTarget|executableTarget)\(\s*name:\s*"([^"]+)"', body))
for k, m in enumerate(starts):
    kind, name = m.groups()
    rest = body[m.end():starts[k + 1].start() if k + 1 < len(starts) else len(body)]
    deps = set(re.findall(r'"([A-Za-z0-9_]+)"', re.split(r'path:|resources:|exclude:', re.sub(r'\.product\([^)]*\)', '', rest))[0]))
    deps |= set(re.findall(r'\.product\(name:\s*"([^"]+)"', rest))
    path = re.search(r'path:\s*"([^"]+)"', rest)
    path = path.group(1) if path else os.path.join('Tests' if kind == 'testTarget' else 'Sources', name)
    targets[name] = (path, deps)

if not targets:
    sys.exit('check-imports: no targets parsed from Package.swift')
bad = []
for name, (path, deps) in sorted(targets.items()):
    for dirpath, _, files in os.walk(os.path.join(root, path)):
        for f in files:
            if not f.endswith('.swift'):
                continue
            p = os.path.join(dirpath, f)
            for i, line in enumerate(open(p, encoding='utf-8'), 1):
                m = re.match(r'\s*(?:@testable\s+|@_exported\s+|@preconcurrency\s+)?import\s+(?:struct\s+|enum\s+|class\s+)?([A-Za-z0-9_]+)', line)
                if m and m.group(1) not in deps and m.group(1) not in SYSTEM and m.group(1) != name:
                    bad.append(f'{os.path.relpath(p, root)}:{i}: target {name} imports {m.group(1)}, not declared in Package.swift')
print(f'check-imports: {len(targets)} targets checked')
if bad:
    print('\n'.join(bad))
    sys.exit(1)
