using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

// The generated code size of every pipeline in an assembly: the IL bytes of the method bodies of each [Pipeline]
// class and of every type nested in it (its runners, results, parallel runner, helpers), which is all the
// generator's output but the user's Define. Usage: ILSize <assembly.dll> [<before.dll>] [--all]
// With two assemblies, each pipeline's size in both and the change; --all lists every pipeline, not only the totals.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: ILSize <assembly.dll> [<before.dll>] [--all]");
    return 2;
}

var all = args.Contains("--all");
var paths = args.Where(a => a != "--all").ToArray();
var after = Measure(paths[0]);
var before = paths.Length > 1 ? Measure(paths[1]) : null;
var rows = after.Keys.Union(before?.Keys ?? Enumerable.Empty<string>()).Order(StringComparer.Ordinal).ToList();
if (all)
{
    foreach (var name in rows)
    {
        after.TryGetValue(name, out var a);
        if (before is null)
        {
            Console.WriteLine($"{a,10:N0}  {name}");
        }
        else
        {
            before.TryGetValue(name, out var b);
            Console.WriteLine($"{b,10:N0} {a,10:N0} {Change(b, a),8}  {name}");
        }
    }
}

var total = after.Values.Sum();
if (before is null)
{
    Console.WriteLine($"{after.Count} pipelines, {total:N0} IL bytes, {total / Math.Max(1, after.Count):N0} per pipeline");
}
else
{
    var common = after.Keys.Intersect(before.Keys).ToList();
    var a = common.Sum(n => after[n]);
    var b = common.Sum(n => before[n]);
    Console.WriteLine($"{common.Count} pipelines in both: {b:N0} -> {a:N0} IL bytes ({Change(b, a)}); largest growth: " +
        string.Join(", ", common.OrderByDescending(n => after[n] - before[n]).Take(3).Select(n => $"{n} {before[n]:N0} -> {after[n]:N0}")));
}

return 0;

static string Change(long before, long after) => before == 0 ? "new" : $"{(after - before) * 100.0 / before:+0.0;-0.0}%";

static Dictionary<string, long> Measure(string path)
{
    using var stream = File.OpenRead(path);
    using var pe = new PEReader(stream);
    var md = pe.GetMetadataReader();
    var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
    foreach (var handle in md.TypeDefinitions)
    {
        var type = md.GetTypeDefinition(handle);
        if (type.GetDeclaringType().IsNil && IsPipeline(md, type))
        {
            sizes[md.GetString(type.Namespace) + "." + md.GetString(type.Name)] = Size(md, pe, type, top: true);
        }
    }

    return sizes;
}

static bool IsPipeline(MetadataReader md, TypeDefinition type) => type.GetCustomAttributes().Any(a =>
{
    var attribute = md.GetCustomAttribute(a);
    if (attribute.Constructor.Kind != HandleKind.MemberReference)
    {
        return false;
    }

    var parent = md.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
    return parent.Kind == HandleKind.TypeReference && md.GetString(md.GetTypeReference((TypeReferenceHandle)parent).Name) == "PipelineAttribute";
});

static long Size(MetadataReader md, PEReader pe, TypeDefinition type, bool top)
{
    long size = 0;
    foreach (var m in type.GetMethods())
    {
        var method = md.GetMethodDefinition(m);
        if (method.RelativeVirtualAddress != 0 && !(top && md.GetString(method.Name) == "Define"))
        {
            size += pe.GetMethodBody(method.RelativeVirtualAddress).Size;
        }
    }

    foreach (var nested in type.GetNestedTypes())
    {
        size += Size(md, pe, md.GetTypeDefinition(nested), top: false);
    }

    return size;
}
