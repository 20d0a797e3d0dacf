using Compiled.Generator.Helpers;

namespace Compiled.Generator.Model;

/// <summary>The type of a lane expression: a 32- or 64-bit signed integer, or a condition (a lane mask).</summary>
internal enum LaneType
{
    Bool,
    Int32,
    Int64,
}

/// <summary>The operations a lambda may use to run in vector lanes: the ones with the same result in every lane as in scalar C#.</summary>
internal enum LaneOp
{
    /// <summary>The lambda's parameter.</summary>
    Param,

    /// <summary>A constant (<see cref="LaneExpr.Value"/>; a bool is 0 or 1).</summary>
    Const,

    Add,
    Subtract,
    Multiply,
    And,
    Or,
    Xor,

    /// <summary>Bitwise complement (~), or logical not (!) of a condition.</summary>
    Not,

    /// <summary>Unary minus.</summary>
    Negate,

    /// <summary>Left shift by the constant <see cref="LaneExpr.Value"/> (already masked as C# masks the count).</summary>
    ShiftLeft,

    /// <summary>Arithmetic right shift (>>) by the constant <see cref="LaneExpr.Value"/>.</summary>
    ShiftRight,

    /// <summary>Logical right shift (>>>) by the constant <see cref="LaneExpr.Value"/>.</summary>
    ShiftRightUnsigned,

    /// <summary>Remainder by the positive power of two <see cref="LaneExpr.Value"/> (the sign of the dividend, as C#'s %).</summary>
    RemainderPow2,

    /// <summary>Division by the positive power of two <see cref="LaneExpr.Value"/>, rounded toward zero as C#'s /.</summary>
    DividePow2,

    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,

    /// <summary>c ? a : b (both sides are computed: neither can throw or have an effect).</summary>
    Conditional,

    /// <summary>A 32-bit integer widened to 64 bits.</summary>
    Widen,

    /// <summary>A 64-bit integer truncated to 32 bits (an unchecked cast).</summary>
    Narrow,
}

/// <summary>
/// A lambda body that can run in vector lanes, as the parser read it from the semantic model: pure arithmetic,
/// comparisons, conditions and integer conversions over its one parameter and constants, none of which can throw
/// (no checked arithmetic, no division but by a power of two) or have an effect. The emitter renders it over
/// <c>Vector&lt;T&gt;</c>.
/// </summary>
internal sealed record LaneExpr(LaneOp Op, LaneType Type, long Value, EquatableArray<LaneExpr> Args)
{
    public static LaneExpr Leaf(LaneOp op, LaneType type, long value = 0) => new(op, type, value, EquatableArray<LaneExpr>.Empty);

    public static LaneExpr Of(LaneOp op, LaneType type, params LaneExpr[] args) => new(op, type, 0, args.ToEquatableArray());

    public static LaneExpr Of(LaneOp op, LaneType type, long value, params LaneExpr[] args) => new(op, type, value, args.ToEquatableArray());

    /// <summary>A value that is a 32-bit integer widened (its magnitude is at most 2^31), so a block of them sums without overflow.</summary>
    public bool Fits32Bits => Type == LaneType.Int32 || Op == LaneOp.Widen;
}

/// <summary>How the vectorized loop of an input ends: the one combine or count its chain feeds.</summary>
internal enum LaneTerminal
{
    /// <summary>Count: the lanes that pass every filter.</summary>
    Count,

    /// <summary>Combiners.Sum (wraps around as the scalar sum does).</summary>
    Sum,

    /// <summary>Combiners.SumAsLong, or SumChecked of 64-bit values that fit 32 bits: checked, so each block is guarded.</summary>
    CheckedSum,

    /// <summary>Combiners.Count (a CountFn accumulator).</summary>
    CountFn,

    Min,
    Max,

    /// <summary>Combiners.Mean of integers: a double sum that stays exact, guarded per block.</summary>
    Mean,

    /// <summary>An output: each lane that passes every filter goes to the sink, in element order.</summary>
    Output,
}

/// <summary>
/// The planner's decision for the span loop of one input: a chain of Map and Filter transforms that run in vector lanes
/// (<see cref="Chain"/>, in order), ending in one global combine or count (<see cref="Terminal"/>). The scalar loop
/// still runs the tail of every span, and every element while the stage ships to a parallel runner's shards.
/// </summary>
/// <param name="Text">The plan's line for it, for the comment over the loop.</param>
internal sealed record LanePlan(int Input, LaneType InputType, EquatableArray<int> Chain, int Terminal, LaneTerminal Kind, LaneType ValueType, string Text);
