using System.Numerics.Tensors;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>
/// A linear softmax classifier over the intent examples' sentence embeddings, trained when the examples
/// are embedded (a few hundred examples: well under a second) and kept beside the embedding model with
/// them (<see cref="EmbeddingIntentMatcher"/>), so a start with unchanged examples does not train again. Nearest examples say how
/// close an utterance is to anything; the classifier says which intent's region it falls in, which
/// separates neighbours such as "approve DR-1042" and "status of DR-1042" better than distance alone.
/// </summary>
public sealed class IntentClassifier
{
    /// <summary>Changes whenever training changes, so weights trained the old way are not reused.</summary>
    public const string Version = "softmax-300-2-1e-4";

    private const int Epochs = 300;
    private const float LearningRate = 2f;
    private const float L2 = 1e-4f;

    private readonly string[] _intents;
    private readonly float[][] _weights;
    private readonly float[] _bias;

    private IntentClassifier(string[] intents, float[][] weights, float[] bias)
    {
        _intents = intents;
        _weights = weights;
        _bias = bias;
    }

    /// <summary>Trains on unit-length example vectors by intent id (full-batch gradient descent, deterministic).</summary>
    public static IntentClassifier Train(IReadOnlyDictionary<string, float[][]> examples)
    {
        var intents = examples.Keys.Where(k => examples[k].Length > 0).Order(StringComparer.Ordinal).ToArray();
        var dimensions = examples[intents[0]][0].Length;
        var rows = intents.SelectMany((id, label) => examples[id].Select(v => (Vector: v, Label: label))).ToArray();
        var weights = intents.Select(_ => new float[dimensions]).ToArray();
        var bias = new float[intents.Length];
        var logits = new float[intents.Length];
        var gradients = intents.Select(_ => new float[dimensions]).ToArray();
        var biasGradients = new float[intents.Length];
        for (var epoch = 0; epoch < Epochs; epoch++)
        {
            foreach (var g in gradients)
            {
                Array.Clear(g);
            }

            Array.Clear(biasGradients);
            foreach (var (vector, label) in rows)
            {
                Softmax(weights, bias, vector, logits);
                for (var k = 0; k < intents.Length; k++)
                {
                    var error = logits[k] - (k == label ? 1f : 0f);
                    TensorPrimitives.MultiplyAdd(vector, error, gradients[k], gradients[k]);
                    biasGradients[k] += error;
                }
            }

            var step = LearningRate / rows.Length;
            for (var k = 0; k < intents.Length; k++)
            {
                // w -= step * (gradient + L2 * n * w)
                TensorPrimitives.MultiplyAdd(weights[k], -step * L2 * rows.Length, weights[k], weights[k]);
                TensorPrimitives.MultiplyAdd(gradients[k], -step, weights[k], weights[k]);
                bias[k] -= step * biasGradients[k];
            }
        }

        return new IntentClassifier(intents, weights, bias);
    }

    /// <summary>Writes the trained weights (<see cref="Read"/> reads them back).</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(_intents.Length);
        writer.Write(_weights[0].Length);
        for (var k = 0; k < _intents.Length; k++)
        {
            writer.Write(_intents[k]);
            writer.Write(_bias[k]);
            foreach (var w in _weights[k])
            {
                writer.Write(w);
            }
        }
    }

    public static IntentClassifier Read(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var dimensions = reader.ReadInt32();
        var intents = new string[count];
        var bias = new float[count];
        var weights = new float[count][];
        for (var k = 0; k < count; k++)
        {
            intents[k] = reader.ReadString();
            bias[k] = reader.ReadSingle();
            weights[k] = new float[dimensions];
            for (var d = 0; d < dimensions; d++)
            {
                weights[k][d] = reader.ReadSingle();
            }
        }

        return new IntentClassifier(intents, weights, bias);
    }

    /// <summary>Probabilities over the given intents only (those the caller's role may use), summing to 1.</summary>
    public Dictionary<string, double> Probabilities(ReadOnlySpan<float> vector, IEnumerable<string> candidates)
    {
        var scores = new Dictionary<string, double>();
        foreach (var id in candidates)
        {
            var k = Array.IndexOf(_intents, id);
            if (k >= 0)
            {
                scores[id] = TensorPrimitives.Dot(_weights[k], vector) + _bias[k];
            }
        }

        if (scores.Count == 0)
        {
            return scores;
        }

        var max = scores.Values.Max();
        var sum = scores.Values.Sum(s => Math.Exp(s - max));
        foreach (var id in scores.Keys.ToList())
        {
            scores[id] = Math.Exp(scores[id] - max) / sum;
        }

        return scores;
    }

    private static void Softmax(float[][] weights, float[] bias, float[] vector, float[] output)
    {
        var max = float.MinValue;
        for (var k = 0; k < weights.Length; k++)
        {
            output[k] = TensorPrimitives.Dot(weights[k], vector) + bias[k];
            max = Math.Max(max, output[k]);
        }

        var sum = 0f;
        for (var k = 0; k < output.Length; k++)
        {
            output[k] = MathF.Exp(output[k] - max);
            sum += output[k];
        }

        TensorPrimitives.Divide(output, sum, output);
    }
}
