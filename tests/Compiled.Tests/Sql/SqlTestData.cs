using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;

namespace Compiled.Tests.Sql;

/// <summary>Generators and helpers the SQL tests against LINQ share.</summary>
internal static class SqlTestData
{
    /// <summary>Sites with ids 0 to <paramref name="maxId"/> (repeats possible) and regions 0 to <paramref name="maxRegion"/>.</summary>
    public static Gen<Site[]> Sites(long maxId, int maxRegion) =>
        Gen.Select(Gen.Long[0, maxId], Gen.OneOf(Gen.Const("north"), Gen.Const("south")), Gen.Int[0, maxRegion],
            (id, name, region) => new Site(id, name + id, region)).Array[0, 6];

    /// <summary>Regions with ids 0 to <paramref name="maxId"/> (repeats possible).</summary>
    public static Gen<Region[]> Regions(int maxId) =>
        Gen.Select(Gen.Int[0, maxId], Gen.OneOf(Gen.Const("eu"), Gen.Const("us")), (id, name) => new Region(id, name)).Array[0, maxId];

    /// <summary>The rows as text, in ordinal order: a multiset to compare.</summary>
    public static List<string> Sorted<T>(IEnumerable<T> rows) => rows.Select(r => r!.ToString()!).OrderBy(s => s, StringComparer.Ordinal).ToList();
}
