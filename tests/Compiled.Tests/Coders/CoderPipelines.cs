using System;
using System.Collections.Generic;
using Compiled.Coders;

namespace Compiled.Tests.Coders;

// Types that cross groupings in the pipelines below: the generator writes their coders (CoderPipeline.PipelineCoders).

public enum Plan
{
    Free,
    Pro,
}

/// <summary>A positional record key holding a class, a nullable and a date.</summary>
public sealed record Account(string Id, Plan Plan, Address? Home, DateTime Opened);

/// <summary>A class with settable and init-only members, one of them a list.</summary>
public sealed class Address
{
    public string Street { get; set; } = "";

    public int? Number { get; init; }

    public List<string> Lines { get; set; } = new();
}

/// <summary>A value-type key with a deterministic encoding.</summary>
public readonly record struct Cell(int X, long Y, Guid Tag);

/// <summary>A key whose decimal is held equal whatever its scale.</summary>
public readonly record struct Price(decimal Amount, string Currency);

/// <summary>An accumulator: a struct of public fields.</summary>
public struct Stats
{
    public long Count;
    public decimal Total;
    public double Mean;
    public string? Last;
}

/// <summary>The combine function whose accumulator is <see cref="Stats"/>.</summary>
public readonly struct StatsFn : ICombineFn<decimal, Stats, long>
{
    public Stats CreateAccumulator() => default;

    public void AddInput(ref Stats accumulator, decimal input)
    {
        accumulator.Count++;
        accumulator.Total += input;
        accumulator.Mean = (double)(accumulator.Total / accumulator.Count);
        accumulator.Last = input.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public void MergeAccumulators(ref Stats accumulator, Stats other)
    {
        accumulator.Count += other.Count;
        accumulator.Total += other.Total;
    }

    public long ExtractOutput(Stats accumulator) => accumulator.Count;
}

/// <summary>A recursive value: a tree of names.</summary>
public sealed record Tree(string Name, List<Tree> Children);

/// <summary>A key with its own Equals (case-insensitive currency) and a coder of the user's that writes what it compares.</summary>
[Coder(typeof(MoneyCoder), Deterministic = true)]
public readonly struct Money : IEquatable<Money>
{
    public Money(long cents, string currency)
    {
        Cents = cents;
        Currency = currency;
    }

    public long Cents { get; }

    public string Currency { get; }

    public bool Equals(Money other) => Cents == other.Cents && string.Equals(Currency, other.Currency, StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => obj is Money other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Cents, StringComparer.OrdinalIgnoreCase.GetHashCode(Currency));
}

/// <summary>The user's coder of <see cref="Money"/>: the currency upper-cased, so that equal values encode equal.</summary>
public readonly struct MoneyCoder : ICoder<Money>
{
    public uint FormatVersion => 7;

    public void Encode(ref CoderWriter writer, Money value)
    {
        writer.WriteInt64(value.Cents);
        writer.WriteString(value.Currency.ToUpperInvariant());
    }

    public Money Decode(ref CoderReader reader) => new(reader.ReadInt64(), reader.ReadString() ?? "");
}

/// <summary>A record that holds the user-coded type: its version mixes in the user coder's.</summary>
public sealed record Payment(string Payer, Money Amount);

[Pipeline]
public partial class CoderPipeline
{
    static void Define(PipelineBuilder p)
    {
        p.Create<KV<Account, Cell>>("accounts").GroupByKey().Output("byAccount");
        p.Create<KV<Cell, decimal>>("cells").CombinePerKey(new StatsFn()).Output("stats");
        p.Create<KV<string, Tree>>("trees").GroupByKey().Output("trees");
        p.Create<KV<Money, Payment>>("money").GroupByKey().Output("money");
        p.Create<Price>("prices").CountPerElement().Output("prices");
        p.Create<Parallel.KeyHashProbe.Order>("orders").CountPerElement().Output("orders");
    }
}
