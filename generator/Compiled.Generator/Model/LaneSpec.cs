using Compiled.Generator.Helpers;

namespace Compiled.Generator.Model;

/// <summary>
/// The type of a lane expression: a 32- or 64-bit signed integer, a float, a double, or a condition (a lane mask). A
/// lambda stays within one family: integers (int and long), floats, or doubles; a condition is a mask of lanes as wide
/// as the input's (32 bits for int and float input, 64 for long and double).
/// </summary>
internal enum LaneType
{
    Bool,
    Int32,
    Int64,
    Double,
    Single,
}

/// <summary>What the lane types have in common.</summary>
internal static class LaneTypes
{
    /// <summary>A float or a double: IEEE 754 arithmetic, which never throws, and whose sums depend on their order.</summary>
    public static bool IsFloatingPoint(this LaneType type) => type is LaneType.Double or LaneType.Single;

    /// <summary>The family of a value type: integers (int and long convert into each other in lanes), floats, doubles.</summary>
    public static int Family(this LaneType type) => type switch
    {
        LaneType.Double => 2,
        LaneType.Single => 1,
        _ => 0,
    };

    /// <summary>The C# type of one element of <paramref name="type"/>.</summary>
    public static string CSharpName(this LaneType type) => type switch
    {
        LaneType.Int32 => "int",
        LaneType.Int64 => "long",
        LaneType.Double => "double",
        LaneType.Single => "float",
        _ => "bool",
    };
}

/// <summary>The operations a lambda may use to run in vector lanes: the ones with the same result in every lane as in scalar C#.</summary>
internal enum LaneOp
{
    /// <summary>The lambda's parameter.</summary>
    Param,

    /// <summary>A constant (<see cref="LaneExpr.Value"/>; a bool is 0 or 1, a float or double the IEEE 754 bits of its double value).</summary>
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

    /// <summary>Floating-point division (any divisor: IEEE 754 division never throws, and is the same in every lane).</summary>
    Divide,

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
/// (no checked arithmetic, no integer division but by a power of two) or have an effect; or the same over floats or doubles,
/// whose every operation (IEEE 754 add, subtract, multiply, divide, negate, compare) gives each lane the bits the
/// scalar operation gives. The emitter renders it over <c>Vector&lt;T&gt;</c>.
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

    /// <summary>
    /// Combiners.Sum of floats or doubles: the passing lanes added to the running sum one by one, in element order, branch-free (a
    /// lane that does not pass adds -0.0, which leaves every sum as it is), since floating-point addition in any other
    /// order rounds differently.
    /// </summary>
    OrderedSum,

    /// <summary>Combiners.Mean of floats or doubles: the (double) sum as <see cref="OrderedSum"/>, the count per lane.</summary>
    OrderedMean,

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
