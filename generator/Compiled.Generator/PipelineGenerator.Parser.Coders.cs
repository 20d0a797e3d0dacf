using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;
using Compiled.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Parser
    {
        private sealed partial class Session
        {
            // ----- coders -----
            //
            // Every key, value and accumulator that crosses a grouping or is kept in state gets a coder: a built-in one, the
            // user's ([Coder]), or one generated field by field. Which, and whether a key's is deterministic, is decided by
            // CoderRule, the rule the analyzers (CMP2001-CMP2003) judge by too. A key with a deterministic coder is sent to
            // its key group by XXH3 of its canonical bytes (Coder.Hash); any other key goes to one key group, and the plan
            // says why.

            private EquatableArray<CoderSpec> _coders = EquatableArray<CoderSpec>.Empty;

            /// <summary>Judges the key, values and accumulator of every stateful transform; fills in the key coders and the coders to generate.</summary>
            /// <summary>The first private type that a stateful transform's input, key or accumulator would carry across an exchange.</summary>
            private string? FindPrivateExchanged(int position)
            {
                foreach (var t in _transforms.Where(Planner.IsStateful))
                {
                    var types = t.Inputs.Select(i => _transforms[i.Node].OutputTypes[i.Port]).ToList();
                    if (t.KeyType is { } key)
                    {
                        types.Add(key);
                    }

                    if (t.Combine is { } combine)
                    {
                        types.Add(combine.AccumulatorType);
                    }

                    foreach (var type in types)
                    {
                        if (Resolve(position, type) is { } symbol && FindPrivate(symbol) is { } hidden)
                        {
                            return hidden;
                        }
                    }
                }

                return null;
            }

            private void AddCoders(int position, INamedTypeSymbol pipeline)
            {
                var prefix = Fq(pipeline) + ".PipelineCoders.";
                var rule = new CoderRule(name => prefix + name);
                var shapes = new List<GeneratedCoderShape>();
                void Collect(CoderVerdict verdict)
                {
                    foreach (var shape in verdict.Generated)
                    {
                        if (!shapes.Contains(shape))
                        {
                            shapes.Add(shape);
                        }
                    }
                }

                for (var i = 0; i < _transforms.Count; i++)
                {
                    var t = _transforms[i];
                    var keyType = t.Kind switch
                    {
                        TransformKind.CountPerElement or TransformKind.Distinct => t.InputType,
                        TransformKind.CountPerKey or TransformKind.CombinePerKey or TransformKind.GroupByKey or TransformKind.CoGroupByKey or
                            TransformKind.StatefulParDo => t.KeyType,
                        _ => null,
                    };
                    var values = t.Kind is TransformKind.GroupByKey or TransformKind.CoGroupByKey or TransformKind.CombinePerKey ? t.ValueTypes.ToList() : new List<string>();
                    if (t.Combine is { } combine)
                    {
                        values.Add(combine.AccumulatorType);
                    }

                    // The coders a checkpoint writes this transform's state with: key, values, accumulator.
                    var stateCoders = new List<string>();
                    string? stateNote = null;
                    void StateCoder(string type, string root, CoderVerdict? verdict)
                    {
                        if (verdict?.Coder is { } coder)
                        {
                            stateCoders.Add(coder);
                        }
                        else
                        {
                            stateNote ??= Names.ForLabel(type.Replace("global::", string.Empty)) + " has no coder (" +
                                          (verdict is null ? "the type could not be read" : "'" + Names.ForLabel(verdict.Problem?.Path ?? root) + "' " + Names.ForLabel(verdict.Problem?.Reason ?? "cannot be judged")) + ")";
                        }
                    }

                    var keyVerdict = keyType is not null && Resolve(position, keyType) is { } keySymbol ? rule.Judge(keySymbol, "Key", key: true) : null;
                    if (keyType is not null)
                    {
                        StateCoder(keyType, "Key", keyVerdict);
                    }

                    foreach (var value in values)
                    {
                        var valueVerdict = Resolve(position, value) is { } valueSymbol ? rule.Judge(valueSymbol, "Value", key: false) : null;
                        if (valueVerdict is not null)
                        {
                            Collect(valueVerdict);
                        }

                        StateCoder(value, "Value", valueVerdict);
                    }

                    if (t.Kind == TransformKind.Count && !values.Contains("long"))
                    {
                        stateCoders.Add("global::Compiled.Coders.Int64Coder");
                    }

                    // Side inputs: a view's elements (a dictionary's keys and values); a reader's elements waiting for its view.
                    CoderVerdict? Judged(string type, string root) => Resolve(position, type) is { } symbol ? rule.Judge(symbol, root, key: false) : null;
                    void ViewCoder(string type, string root)
                    {
                        var verdict = Judged(type, root);
                        if (verdict is not null)
                        {
                            Collect(verdict);
                        }

                        StateCoder(type, root, verdict);
                    }

                    if (t.Kind is TransformKind.AsSingleton or TransformKind.AsList)
                    {
                        ViewCoder(t.InputType, "Value");
                    }
                    else if (t.Kind == TransformKind.AsDictionary && t.KeyType is { } viewKey)
                    {
                        ViewCoder(viewKey, "Key");
                        ViewCoder(t.ValueTypes[0], "Value");
                    }

                    if (t.SideInput is not null)
                    {
                        ViewCoder(t.InputType, "Value");
                    }

                    if (t.Stateful is { } stateful)
                    {
                        // A stateful ParDo: its key (above), then each cell's contents (timers are the runner's to keep).
                        var cells = new List<StateCellSpec>();
                        foreach (var cell in stateful.Cells)
                        {
                            if (cell.Kind.IsTimer())
                            {
                                cells.Add(cell with { Coders = EquatableArray<string>.Empty });
                                continue;
                            }

                            var cellType = Resolve(position, cell.Type) as INamedTypeSymbol;
                            var contents = cellType is null ? null : cell.Kind switch
                            {
                                StateCellKind.Field => new ITypeSymbol[] { cellType },
                                StateCellKind.Map => cellType.TypeArguments.Take(2).ToArray(),
                                StateCellKind.Combining => cellType.TypeArguments.Skip(1).Take(1).ToArray(),
                                _ => cellType.TypeArguments.Take(1).ToArray(),
                            };
                            var cellCoders = new List<string>();
                            foreach (var content in contents ?? System.Array.Empty<ITypeSymbol>())
                            {
                                var cellVerdict = rule.Judge(content, cell.Name, key: false);
                                Collect(cellVerdict);
                                if (cellVerdict.Coder is { } coder)
                                {
                                    cellCoders.Add(coder);
                                    stateCoders.Add(coder);
                                }
                                else
                                {
                                    stateNote ??= "the state cell '" + Names.ForLabel(cell.Name) + "' holds " + Names.ForLabel(content.ToDisplayString()) + ", which has no coder";
                                }
                            }

                            if (cellType is null)
                            {
                                stateNote ??= "the type of the state cell '" + Names.ForLabel(cell.Name) + "' could not be read";
                            }

                            cells.Add(cell with { Coders = cellType is not null && cellCoders.Count == contents!.Length ? cellCoders.ToEquatableArray() : null });
                        }

                        t = t with { Stateful = stateful with { Cells = cells.ToEquatableArray() } };
                        if (stateful.SortsInput)
                        {
                            // Last: the values of the elements waiting to be sorted by timestamp.
                            ViewCoder(t.ValueTypes[0], "Value");
                        }
                    }

                    _transforms[i] = t = t with
                    {
                        StateCoders = stateNote is null ? stateCoders.ToEquatableArray() : null,
                        StateCoderNote = stateNote,
                    };

                    if (keyType is null)
                    {
                        continue;
                    }

                    var label = Names.ForLabel(keyType.Replace("global::", string.Empty));
                    var symbol = Resolve(position, keyType);
                    if (symbol is null)
                    {
                        _transforms[i] = t with { KeyCoder = null, KeyHashNote = "keys of type " + label + " could not be read, so every key goes to one key group" };
                        continue;
                    }

                    var verdict = keyVerdict ?? rule.Judge(symbol, "Key", key: true);
                    Collect(verdict);
                    _transforms[i] = t with
                    {
                        KeyCoder = verdict.IsDeterministic ? verdict.Coder : null,
                        KeyHashNote = verdict.IsDeterministic
                            ? null
                            : "keys of type " + label + " have no " + (verdict.HasCoder ? "deterministic " : string.Empty) + "coder ('" +
                              Names.ForLabel(verdict.Problem?.Path ?? "Key") + "' " + Names.ForLabel(verdict.Problem?.Reason ?? "cannot be judged") + "), so every key goes to one key group",
                    };
                }

                _coders = shapes.Select(s => new CoderSpec
                {
                    Type = s.Type,
                    CoderName = s.CoderName,
                    Display = s.Display,
                    IsReferenceType = s.IsReferenceType,
                    IsPrivate = s.IsPrivate,
                    Members = s.Members.Select(m => new CoderMemberSpec(Identifier(m.Name), m.Type, m.Coder, m.ConstructorPosition)).ToEquatableArray(),
                    ConstructorArity = s.ConstructorArity,
                    Version = CoderRule.VersionOf(s),
                    UserCoders = s.UserCoders.ToEquatableArray(),
                }).ToEquatableArray();
            }

            /// <summary>The symbol of a type the spec names (fully qualified), as bound where Define is.</summary>
            private ITypeSymbol? Resolve(int position, string type)
            {
                var symbol = ModelWithDeclaredRows().GetSpeculativeTypeInfo(position, SyntaxFactory.ParseTypeName(type), SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
                return symbol is null || symbol.TypeKind == TypeKind.Error ? null : symbol;
            }

            private SemanticModel? _modelWithDeclaredRows;
            private int _declaredRowsInModel;

            /// <summary>
            /// The declaration's semantic model, with the row types the generator declares for its queries added (as the
            /// generated file will declare them), so that their coders are judged and written like any record's.
            /// </summary>
            private SemanticModel ModelWithDeclaredRows()
            {
                if (_sqlRows.Count == 0)
                {
                    return _model;
                }

                if (_modelWithDeclaredRows is null || _modelWithDeclaredRows.SyntaxTree != _model.SyntaxTree || _declaredRowsInModel != _sqlRows.Count)
                {
                    _declaredRowsInModel = _sqlRows.Count;
                    var pipeline = (INamedTypeSymbol)_context.TargetSymbol;
                    var text = new System.Text.StringBuilder("#nullable enable\n");
                    var ns = pipeline.ContainingNamespace.IsGlobalNamespace ? null : pipeline.ContainingNamespace.ToDisplayString();
                    text.Append(ns is null ? string.Empty : "namespace " + ns + " {\n");
                    var types = ContainingTypeDeclarations(pipeline).Concat(new[] { "partial " + (pipeline.IsRecord ? pipeline.IsValueType ? "record struct" : "record" : pipeline.IsValueType ? "struct" : "class") + " " + Identifier(pipeline.Name) }).ToList();
                    foreach (var type in types)
                    {
                        text.Append(type).Append(" {\n");
                    }

                    foreach (var row in _sqlRows)
                    {
                        text.Append("public ").Append(row.Declaration).Append('\n');
                    }

                    text.Append('}', types.Count + (ns is null ? 0 : 1));
                    var rows = CSharpSyntaxTree.ParseText(text.ToString(), (CSharpParseOptions)_model.SyntaxTree.Options, cancellationToken: _cancellationToken);
                    _modelWithDeclaredRows = _model.Compilation.AddSyntaxTrees(rows).GetSemanticModel(_model.SyntaxTree);
                }

                return _modelWithDeclaredRows;
            }
        }
    }
}
