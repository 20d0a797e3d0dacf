using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Compiled.Parallel;

namespace Compiled.Tests.Parallel;

/// <summary>
/// A fixed set of keys of several shapes and their hashes, computed by this process or, through <see cref="Program"/>,
/// by a separate one: the cross-process test compares the two.
/// </summary>
public static class KeyHashProbe
{
    /// <summary>The command-line argument that makes the test assembly print the probe and exit.</summary>
    public const string Argument = "--key-hash-probe";

    /// <summary>A record-like key: the fields a generated coder would add, in declaration order.</summary>
    public sealed record Order(Guid Id, string Customer, DateTime Day, decimal Amount, int? Priority, string? Note);

    public static IEnumerable<(string Name, ulong Hash)> Keys()
    {
        foreach (var number in new[] { 0, 1, -1, 42, int.MinValue })
        {
            var hasher = new KeyHasher();
            hasher.Add(number);
            yield return ("int:" + number.ToString(CultureInfo.InvariantCulture), hasher.Finish());
        }

        foreach (var text in new[] { "", "a", "hello", "Straße", "日本語", "🙂 ok", "key-0042", new string('x', 1000) })
        {
            var hasher = new KeyHasher();
            hasher.Add(text);
            yield return ("string:" + (text.Length > 20 ? text.Substring(0, 20) + "..." : text), hasher.Finish());
        }

        {
            var hasher = new KeyHasher();
            hasher.Add((string?)null);
            yield return ("string:null", hasher.Finish());
        }

        foreach (var (text, number, ratio) in new[] { ("ab", 1, 0.5), ("a", 1, 0.5), ("", -7, double.NaN), ("long", int.MaxValue, -0.0) })
        {
            var hasher = new KeyHasher();
            hasher.Add(text);
            hasher.Add(number);
            hasher.Add(ratio);
            yield return (string.Create(CultureInfo.InvariantCulture, $"tuple:({text},{number},{ratio})"), hasher.Finish());
        }

        var orders = new[]
        {
            new Order(new Guid("8f3e4c55-2b1a-4d6e-9c07-1d2e3f405162"), "ada", new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc), 12.50m, 3, null),
            new Order(Guid.Empty, "", new DateTime(1, 1, 1), 0m, null, "rush"),
            new Order(new Guid("00112233-4455-6677-8899-aabbccddeeff"), "Zoë", new DateTime(2000, 2, 29, 13, 14, 15, 16), -1.000m, int.MinValue, ""),
        };
        for (int i = 0; i < orders.Length; i++)
        {
            yield return ("record:" + i.ToString(CultureInfo.InvariantCulture), Hash(orders[i]));
        }
    }

    public static ulong Hash(Order order)
    {
        var hasher = new KeyHasher();
        hasher.Add(order.Id);
        hasher.Add(order.Customer);
        hasher.Add(order.Day);
        hasher.Add(order.Amount);
        if (order.Priority is { } priority)
        {
            hasher.AddNotNull();
            hasher.Add(priority);
        }
        else
        {
            hasher.AddNull();
        }

        hasher.Add(order.Note);
        return hasher.Finish();
    }

    /// <summary>Prints one line per key: name, hash, key group of 128; then this process's string.GetHashCode of a fixed string.</summary>
    public static void Print(TextWriter output)
    {
        foreach (var (name, hash) in Keys())
        {
            output.WriteLine(Line(name, hash));
        }

        output.WriteLine("GetHashCode\t" + "hello".GetHashCode().ToString(CultureInfo.InvariantCulture));
    }

    public static string Line(string name, ulong hash) =>
        name + "\t" + hash.ToString("X16", CultureInfo.InvariantCulture) + "\t" + KeyGroups.Of(hash, KeyGroups.DefaultMaxParallelism).ToString(CultureInfo.InvariantCulture);
}
