#!/usr/bin/env bash
# First call against warm calls of the sliding-window pipeline under each JIT setting, ReadyToRun, NativeAOT and
# AggressiveOptimization on the generated hot methods. From the repository root:
#   bash bench/Compiled.FirstCall/measure.sh [events] [repetitions]
# Builds into /tmp/compiled-firstcall. Every process makes 5 calls (a new runner each): the first, then 4 warm ones.
# Prints one line per process, then the medians over the repetitions.
set -euo pipefail
events=${1:-10000000}
reps=${2:-5}
out=/tmp/compiled-firstcall
project=bench/Compiled.FirstCall
mkdir -p $out
dotnet build $project -c Release -o $out/jit > /dev/null
dotnet publish $project -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o $out/r2r > /dev/null
dotnet publish $project -c Release -r linux-x64 -p:FirstCallAot=true -o $out/aot > /dev/null

# The same program with [MethodImpl(AggressiveOptimization)] added to the generated loop, stage and firing methods:
# the generated file compiled as plain source, without the generator.
generated=$(find $project/obj/Release/net10.0/generated -name '*SlidingSums.Pipeline.g.cs' | head -1)
variant=$out/aggressive-src
rm -rf $variant && mkdir -p $variant
cp $project/Program.cs $variant/
sed -E \
  -e 's/MethodImplOptions\.(NoInlining|AggressiveInlining)\)\]/MethodImplOptions.\1 | global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]/' \
  -e 's/^( *)(private void __(LoopBundleEvents|LoopEvents|OnEvents|Fire|MergeWindow3|Result3|AdvanceTo|FinishBody)\()/\1[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]\n\1\2/' \
  "$generated" > $variant/SlidingSums.Pipeline.g.cs
# Only the methods above: drop the attribute where it now appears twice on one method.
python3 - $variant/SlidingSums.Pipeline.g.cs <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
hot = ('__LoopBundleEvents', '__LoopEvents', '__OnEvents', '__Fire', '__MergeWindow3', '__Result3', '__AdvanceTo', '__FinishBody')
lines = text.split('\n')
result = []
for i, line in enumerate(lines):
    if '| global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]' in line:
        following = '\n'.join(lines[i + 1:i + 3])
        if not any('void ' + name + '(' in following for name in hot):
            line = line.replace(' | global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization', '')
        elif 'MethodImplOptions.AggressiveOptimization)]' in lines[i + 1]:
            result.append(line)
            lines[i + 1] = ''
            continue
    result.append(line)
open(path, 'w').write('\n'.join(l for l in result))
PY
cat > $variant/Variant.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <OutputType>Exe</OutputType>
    <Nullable>enable</Nullable>
    <AssemblyName>Compiled.FirstCall</AssemblyName>
  </PropertyGroup>
  <ItemGroup>
    <Reference Include="$out/jit/Compiled.dll" />
  </ItemGroup>
</Project>
XML
dotnet build $variant/Variant.csproj -c Release -o $out/aggressive > /dev/null

results=$out/results.txt
: > $results
# Round robin: each repetition runs every setting and shape once, so a change in the machine's load reaches them all.
settings=(
  "JIT, defaults|dotnet $out/jit/Compiled.FirstCall.dll"
  "JIT, DOTNET_TieredPGO=0|env DOTNET_TieredPGO=0 dotnet $out/jit/Compiled.FirstCall.dll"
  "JIT, DOTNET_TC_QuickJitForLoops=0|env DOTNET_TC_QuickJitForLoops=0 dotnet $out/jit/Compiled.FirstCall.dll"
  "JIT, DOTNET_TC_CallCountingDelayMs=0|env DOTNET_TC_CallCountingDelayMs=0 dotnet $out/jit/Compiled.FirstCall.dll"
  "JIT, DOTNET_TieredCompilation=0|env DOTNET_TieredCompilation=0 dotnet $out/jit/Compiled.FirstCall.dll"
  "JIT, AggressiveOptimization on the hot generated methods|dotnet $out/aggressive/Compiled.FirstCall.dll"
  "ReadyToRun (PublishReadyToRun)|dotnet $out/r2r/Compiled.FirstCall.dll"
  "NativeAOT (PublishAot)|$out/aot/Compiled.FirstCall"
)
for _ in $(seq "$reps"); do
  for setting in "${settings[@]}"; do
    label=${setting%%|*}
    command=${setting#*|}
    for shape in bundles elements; do
      line=$($command "$events" 5 $shape)
      echo "$label | $line" | tee -a $results
    done
  done
done

echo
echo "| Setting | Shape | First call (median) | Warm call (median) | First / warm |"
echo "|---|---|---:|---:|---:|"
python3 - $results <<'PY'
import re, sys, statistics
rows = {}
order = []
for line in open(sys.argv[1]):
    label, rest = line.split(' | ', 1)
    shape = 'bundles of 1,000' if rest.startswith('bundles') else 'element by element'
    first = float(re.search(r'first call (\d+) ms', rest).group(1))
    warm = float(re.search(r'warm \(median of \d+\) (\d+) ms', rest).group(1))
    key = (label, shape)
    if key not in rows:
        rows[key] = []
        order.append(key)
    rows[key].append((first, warm))
for key in order:
    firsts = [f for f, _ in rows[key]]
    warms = [w for _, w in rows[key]]
    f, w = statistics.median(firsts), statistics.median(warms)
    print(f"| {key[0]} | {key[1]} | {f:.0f} ms | {w:.0f} ms | {f / w:.2f} |")
PY
