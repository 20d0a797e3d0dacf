namespace Compiled;

/// <summary>
/// A <see cref="ILineConsumer"/> that also takes lines the input already holds as strings
/// (<see cref="TextInput.FromLines"/>): read through <see cref="TextInput.ReadStringLines{TConsumer}(ref TConsumer)"/>,
/// such lines are handed over as they are, so a consumer that keeps a line as a string makes no copy of it.
/// Lines read from a file, a stream or a text still arrive as spans.
/// </summary>
public interface IStringLineConsumer : ILineConsumer
{
    /// <summary>Receives one line held as a string by the input (a null line arrives as the empty string); the consumer may keep it.</summary>
    /// <param name="line">The line.</param>
    void OnLine(string line);
}
