namespace Compiled;

/// <summary>
/// What a SQL query is given besides its text: a table (<see cref="SqlTable"/>) or a function it calls
/// (<see cref="SqlFunction"/>), passed to <see cref="PipelineBuilder.Sql{TRow}(string, SqlInput[])"/>.
/// </summary>
/// <remarks>Declaration only: the generator reads it; it is never created at run time.</remarks>
public abstract class SqlInput
{
    private protected SqlInput()
    {
    }
}

/// <summary>A collection named as a table of a SQL query: made by <see cref="PCollection{T}.AsTable(string)"/>, passed to <see cref="PipelineBuilder.Sql{TRow}(string, SqlInput[])"/>.</summary>
/// <remarks>Declaration only: the generator reads it; it is never created at run time.</remarks>
public sealed class SqlTable : SqlInput
{
    private SqlTable()
    {
    }
}
