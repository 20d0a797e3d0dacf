using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

public sealed record Reading2(string? Sensor, int? Floor, long Value);

public sealed record SensorTotal(string? Sensor, int? Floor, long Total, long Readings);

/// <summary>GROUP BY keys that may be NULL: the NULLs of a key make one group, as in SQL.</summary>
[Pipeline]
public partial class SqlNullableKeys
{
    static void Define(PipelineBuilder p) =>
        p.Sql<SensorTotal>(
            "SELECT sensor, floor, SUM(value) AS total, COUNT(*) AS readings FROM readings GROUP BY sensor, floor HAVING floor IS NULL OR floor > 0",
            p.Create<Reading2>("readings").AsTable("readings")).Output("totals");
}

public class SqlNullableKeyTests
{
    private static readonly Gen<Reading2[]> Readings = Gen.Select(
        Gen.OneOf(Gen.Const((string?)null), Gen.Const((string?)"a"), Gen.Const((string?)"b")),
        Gen.OneOf(Gen.Const((int?)null), Gen.Const((int?)0), Gen.Const((int?)1), Gen.Const((int?)2)),
        Gen.Long[0, 100],
        (sensor, floor, value) => new Reading2(sensor, floor, value)).Array[0, 60];

    [Fact(DisplayName = "GROUP BY a string? and an int? key: NULLs group together (LINQ's GroupBy), read back as NULL in HAVING and SELECT, at parallelism 1 and 2")]
    public void NullableKeysEqualLinq() => Readings.Sample(readings =>
    {
        var expected = readings.GroupBy(r => (r.Sensor, r.Floor))
            .Where(g => g.Key.Floor is null || g.Key.Floor > 0)
            .Select(g => new SensorTotal(g.Key.Sensor, g.Key.Floor, g.Sum(r => r.Value), g.Count()));
        static List<SensorTotal> Order(IEnumerable<SensorTotal> rows) =>
            rows.OrderBy(r => r.Sensor, StringComparer.Ordinal).ThenBy(r => r.Floor).ToList();
        Assert.Equal(Order(expected), Order(SqlNullableKeys.Run(readings).Totals));
        Assert.Equal(Order(expected), Order(SqlNullableKeys.Run(readings, parallelism: 2).Totals));
    }, iter: 60);
}
