#!/usr/bin/env python3
"""Outside Sources/Dex no Swift code names a particular DEX: no type declared in a DEX folder
(Sources/Dex/<Dex>/) and no DexKind constant. Everything else asks DexRegistry. Exits 1 listing
each offending line (comments are ignored)."""
import os, re, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
dex = os.path.join(root, 'Sources', 'Dex')
types, kinds = set(), set()
for folder in sorted(os.listdir(dex)):
    path = os.path.join(dex, folder)
    if not os.path.isdir(path):
        continue
    for f in os.listdir(path):
        text = open(os.path.join(path, f), encoding='utf-8').read()
        types |= set(re.findall(r'^(?:public |internal )?(?:final )?(?:struct|enum|class|protocol|actor) ([A-Z][A-Za-z0-9_]*)', text, re.M))
        kinds |= set(re.findall(r'extension DexKind \{\s*public static let ([a-zA-Z0-9_]+)', text))
if not types or not kinds:
    sys.exit('check-dex-names: found no DEX types or DexKind constants under Sources/Dex (layout changed?)')
word = re.compile(r'\b(' + '|'.join(sorted(types)) + r')\b')
case = re.compile(r'\.(' + '|'.join(sorted(kinds)) + r')\b')
bad = []
for dirpath, _, files in os.walk(os.path.join(root, 'Sources')):
    if os.path.abspath(dirpath).startswith(os.path.abspath(dex)):
        continue
    for f in files:
        if not f.endswith('.swift'):
            continue
        p = os.path.join(dirpath, f)
        for i, line in enumerate(open(p, encoding='utf-8'), 1):
            code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line).split('//')[0]
            m = word.search(code) or case.search(code)
            if m:
                bad.append(f'{os.path.relpath(p, root)}:{i}: names {m.group(0)}')
print(f'check-dex-names: {len(types)} DEX types and {len(kinds)} DexKind constants kept inside Sources/Dex')
if bad:
    print('\n'.join(bad))
    sys.exit(1)
