using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeGateway.Inference;

/// <summary>
/// Raw named tensors as JSON, the request every model accepts:
/// <c>{"network": "main", "inputs": {"x": {"type": "float32", "shape": [1, 6], "data": [...]}}}</c>.
/// <c>data</c> may be flat (with <c>shape</c>) or nested arrays (shape inferred); <c>type</c>
/// defaults to the declared one. Every input is checked against the network before it runs, and
/// a mismatch names the expected shape, so a client can fix its request from the message alone.
/// </summary>
public static class TensorJson
{
    /// <summary>True when a JSON body is a raw-tensor request rather than a task's own format.</summary>
    public static bool IsTensorRequest(JsonNode? body) => body is JsonObject o && o["inputs"] is JsonObject;

    public static JsonObject Run(ServedModel model, JsonObject body, CancellationToken cancellationToken)
    {
        var role = OptionalText(body["network"], $"'network' names one of the networks of model '{model.Name}' as text: {string.Join(", ", model.Networks.Select(n => n.Role))}.");
        var network = role is null ? model.Networks[0] : model.Networks.FirstOrDefault(n => n.Role == role)
            ?? throw new InferenceRequestException($"Model '{model.Name}' has no network '{role}'; it has {string.Join(", ", model.Networks.Select(n => n.Role))}.");
        var given = (JsonObject)body["inputs"]!;

        foreach (var (name, _) in given)
        {
            if (!network.InputNames.Contains(name))
            {
                throw new InferenceRequestException($"Network '{network.Role}' of model '{model.Name}' has no input '{name}'; its inputs are {Describe(network)}.");
            }
        }

        var inputs = new Dictionary<string, OrtValue>();
        try
        {
            foreach (var name in network.InputNames)
            {
                var metadata = network.Session.InputMetadata[name];
                var spec = network.DeclaredInput(name) ?? new TensorSpec { Name = name, Type = TensorTypes.Name(metadata.ElementDataType) };
                if (given[name] is not JsonObject tensor)
                {
                    throw new InferenceRequestException($"Input '{name}' ({spec.Type} {spec.ShapeText()}) is missing.");
                }

                inputs[name] = Parse(name, tensor, spec, metadata);
            }

            using var outputs = network.Run(inputs, cancellationToken);
            var result = new JsonObject();
            for (var i = 0; i < outputs.Count; i++)
            {
                result[network.OutputNames[i]] = Write(outputs[i]);
            }

            return new JsonObject { ["network"] = network.Role, ["outputs"] = result };
        }
        finally
        {
            foreach (var value in inputs.Values)
            {
                value.Dispose();
            }
        }
    }

    private static OrtValue Parse(string name, JsonObject tensor, TensorSpec spec, NodeMetadata metadata)
    {
        var expected = $"{spec.Type} {spec.ShapeText()}";
        var type = OptionalText(tensor["type"], $"Input '{name}': 'type' is the element type as text, here {spec.Type}.") ?? spec.Type;
        if (type != spec.Type)
        {
            throw new InferenceRequestException($"Input '{name}' expects {expected}; got type {type}.");
        }

        if (tensor["data"] is not JsonArray data)
        {
            throw new InferenceRequestException($"Input '{name}' ({expected}) needs 'data': an array of numbers.");
        }

        var values = new List<JsonNode?>();
        var inferred = new List<long>();
        Flatten(name, data, 0, inferred, values, expected);
        long[] shape;
        if (tensor["shape"] is JsonArray shapeArray)
        {
            try
            {
                shape = shapeArray.Select(d => d!.GetValue<long>()).ToArray();
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or NullReferenceException)
            {
                throw new InferenceRequestException($"Input '{name}': 'shape' must be an array of whole numbers; expected {expected}.");
            }
        }
        else if (data.Count == 1 && data[0] is not JsonArray && spec.Shape.Count == 0)
        {
            shape = [];
        }
        else
        {
            shape = [.. inferred];
        }

        if (shape.Any(d => d < 0))
        {
            throw new InferenceRequestException($"Input '{name}': dimensions cannot be negative; expected {expected}.");
        }

        var declared = spec.FixedDims();
        var actual = metadata.Dimensions;
        var rankMatches = shape.Length == actual.Length;
        var sizesMatch = rankMatches && shape.Select((d, i) =>
            (actual[i] < 0 || actual[i] == d) && (i >= declared.Length || declared[i] < 0 || declared[i] == d)).All(ok => ok);
        if (!sizesMatch)
        {
            throw new InferenceRequestException($"Input '{name}' expects {expected}; got shape {ShapeText(shape)}.");
        }

        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != values.Count)
        {
            throw new InferenceRequestException($"Input '{name}': shape {ShapeText(shape)} holds {count} values; 'data' has {values.Count}.");
        }

        try
        {
            return metadata.ElementDataType switch
            {
                TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(values.Select(v => v!.GetValue<float>()).ToArray(), shape),
                TensorElementType.Double => OrtValue.CreateTensorValueFromMemory(values.Select(v => v!.GetValue<double>()).ToArray(), shape),
                TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(values.Select(v => v!.GetValue<long>()).ToArray(), shape),
                TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(values.Select(v => v!.GetValue<int>()).ToArray(), shape),
                TensorElementType.UInt8 => OrtValue.CreateTensorValueFromMemory(values.Select(v => v!.GetValue<byte>()).ToArray(), shape),
                TensorElementType.Int8 => OrtValue.CreateTensorValueFromMemory(values.Select(v => v!.GetValue<sbyte>()).ToArray(), shape),
                TensorElementType.Bool => OrtValue.CreateTensorValueFromMemory(values.Select(v => v!.GetValue<bool>()).ToArray(), shape),
                var other => throw new InferenceRequestException($"Input '{name}' is {TensorTypes.Name(other)}, which JSON requests cannot carry."),
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException or NullReferenceException)
        {
            throw new InferenceRequestException($"Input '{name}': every value must be a {spec.Type}; expected {expected}.");
        }
    }

    private static void Flatten(string name, JsonArray array, int depth, List<long> shape, List<JsonNode?> values, string expected)
    {
        if (depth == shape.Count)
        {
            shape.Add(array.Count);
        }
        else if (shape[depth] != array.Count)
        {
            throw new InferenceRequestException($"Input '{name}': nested arrays are ragged at depth {depth}; expected {expected}.");
        }

        foreach (var item in array)
        {
            if (item is JsonArray inner)
            {
                Flatten(name, inner, depth + 1, shape, values, expected);
            }
            else if (depth + 1 < shape.Count)
            {
                throw new InferenceRequestException($"Input '{name}': nested arrays are ragged at depth {depth + 1}; expected {expected}.");
            }
            else
            {
                values.Add(item);
            }
        }
    }

    /// <summary>An output tensor as <c>{"type", "shape", "data"}</c> with flat data.</summary>
    public static JsonObject Write(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var data = new JsonArray();
        switch (info.ElementDataType)
        {
            case TensorElementType.Float:
                foreach (var v in value.GetTensorDataAsSpan<float>())
                {
                    data.Add(float.IsFinite(v) ? v : null);
                }

                break;
            case TensorElementType.Double:
                foreach (var v in value.GetTensorDataAsSpan<double>())
                {
                    data.Add(double.IsFinite(v) ? v : null);
                }

                break;
            case TensorElementType.Int64:
                foreach (var v in value.GetTensorDataAsSpan<long>())
                {
                    data.Add(v);
                }

                break;
            case TensorElementType.Int32:
                foreach (var v in value.GetTensorDataAsSpan<int>())
                {
                    data.Add(v);
                }

                break;
            case TensorElementType.Bool:
                foreach (var v in value.GetTensorDataAsSpan<bool>())
                {
                    data.Add(v);
                }

                break;
            case TensorElementType.UInt8:
                foreach (var v in value.GetTensorDataAsSpan<byte>())
                {
                    data.Add(v);
                }

                break;
            default:
                throw new InvalidOperationException($"Output type {info.ElementDataType} cannot be written as JSON.");
        }

        return new JsonObject
        {
            ["type"] = TensorTypes.Name(info.ElementDataType),
            ["shape"] = new JsonArray(info.Shape.Select(d => (JsonNode?)d).ToArray()),
            ["data"] = data,
        };
    }

    /// <summary>A field that may be left out but, when given, must be text; anything else is the client's mistake (400).</summary>
    private static string? OptionalText(JsonNode? node, string problem) =>
        node switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == JsonValueKind.String && value.TryGetValue<string>(out var text) => text,
            _ => throw new InferenceRequestException(problem),
        };

    private static string ShapeText(long[] shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string Describe(OnnxNetwork network) =>
        string.Join(", ", network.InputNames.Select(n => network.DeclaredInput(n) is { } s ? $"'{n}' ({s.Type} {s.ShapeText()})" : $"'{n}'"));
}
