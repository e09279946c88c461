using System.Globalization;
using OnnxGraph;

namespace PartnerAssistant.Knowledge.Embeddings;

/// <summary>
/// Turns BERT weights (Hugging Face names, PyTorch layouts) and their config into an ONNX
/// sentence-embedding graph: embeddings, the encoder layers, mean pooling over the attention
/// mask and L2 normalisation. Inputs <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c>
/// (int64 [batch, sequence]); output <c>sentence_embedding</c> (float [batch, hidden]).
/// </summary>
public static class BertEncoderGraph
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string TokenTypeIds = "token_type_ids";
    public const string SentenceEmbedding = "sentence_embedding";

    /// <summary>
    /// Opset 17 is the first with LayerNormalization, which ONNX Runtime runs as one fused kernel;
    /// Reduce* ops still take axes as attributes there except ReduceSum (an input since 13).
    /// </summary>
    public const int Opset = 17;

    /// <summary>Bumped whenever the graph built from the same weights changes, so cached models are rebuilt.</summary>
    public const int GraphVersion = 1;

    public static OnnxModel Build(SafetensorsFile weights, BertConfig config)
    {
        var encoder = new Builder(weights, config);
        return encoder.Build();
    }

    private sealed class Builder(SafetensorsFile weights, BertConfig config)
    {
        private readonly GraphBuilder _g = new("bert_sentence_encoder");
        // Some exports nest the encoder under "bert."; sentence-transformers checkpoints do not.
        private readonly string _prefix = weights.Tensors.ContainsKey("bert.embeddings.word_embeddings.weight") ? "bert." : "";

        public OnnxModel Build()
        {
            string ids = _g.Input(InputIds, OnnxDataType.Int64, "batch", "sequence");
            string mask = _g.Input(AttentionMask, OnnxDataType.Int64, "batch", "sequence");
            string types = _g.Input(TokenTypeIds, OnnxDataType.Int64, "batch", "sequence");

            string hidden = Embeddings(ids, types);
            string maskFloat = _g.Cast(mask, OnnxDataType.Float);
            string attentionBias = AttentionBias(maskFloat);
            for (int layer = 0; layer < config.NumHiddenLayers; layer++)
            {
                hidden = EncoderLayer(hidden, attentionBias, $"encoder.layer.{layer.ToString(CultureInfo.InvariantCulture)}");
            }
            Pool(hidden, maskFloat);
            _g.Output(SentenceEmbedding, OnnxDataType.Float, "batch", config.HiddenSize);
            return _g.ToModel(Opset);
        }

        private string Embeddings(string ids, string types)
        {
            string words = Gather(Weight("embeddings.word_embeddings.weight"), ids);
            string tokenTypes = Gather(Weight("embeddings.token_type_embeddings.weight"), types);

            // Positions 0..sequence-1 are the first rows of the position table, so slicing it to the
            // input's length replaces a Range + Gather and broadcasts over the batch.
            string sequenceLength = _g.Node("Shape", ids).Attr("start", 1).Attr("end", 2).Output;
            string zero = _g.Int64s("const.zero_1d", 0);
            string positions = _g.Op("Slice", Weight("embeddings.position_embeddings.weight"), zero, sequenceLength, zero);

            string sum = _g.Op("Add", _g.Op("Add", words, positions), tokenTypes);
            return LayerNorm(sum, "embeddings.LayerNorm");
        }

        private string AttentionBias(string maskFloat)
        {
            // Padding keys get the lowest float added to their scores, so softmax gives them zero weight;
            // kept tokens get zero. Shaped [batch, 1, 1, sequence] to broadcast over heads and queries.
            string keep = _g.Op("Sub", Constant("const.one", 1f), maskFloat);
            string bias = _g.Op("Mul", keep, Constant("const.mask_value", float.MinValue));
            return _g.Op("Unsqueeze", bias, _g.Int64s("const.axes_1_2", 1, 2));
        }

        private string EncoderLayer(string input, string attentionBias, string name)
        {
            int headSize = config.HeadSize;
            string splitHeads = HeadShape();

            // Scaling queries by 1/sqrt(head size) is folded into their weights and bias at build time,
            // which saves a Mul over every [batch, heads, seq, seq] score tensor at run time.
            float scale = 1f / MathF.Sqrt(headSize);
            string query = Linear(input, $"{name}.attention.self.query", scale);
            string key = Linear(input, $"{name}.attention.self.key");
            string value = Linear(input, $"{name}.attention.self.value");

            string queryHeads = _g.Node("Transpose", _g.Op("Reshape", query, splitHeads)).Attr("perm", [0, 2, 1, 3]).Output;
            string keyHeadsTransposed = _g.Node("Transpose", _g.Op("Reshape", key, splitHeads)).Attr("perm", [0, 2, 3, 1]).Output;
            string valueHeads = _g.Node("Transpose", _g.Op("Reshape", value, splitHeads)).Attr("perm", [0, 2, 1, 3]).Output;

            string scores = _g.Op("Add", _g.Op("MatMul", queryHeads, keyHeadsTransposed), attentionBias);
            string probabilities = _g.Node("Softmax", scores).Attr("axis", -1).Output;
            string context = _g.Op("MatMul", probabilities, valueHeads);
            string merged = _g.Op("Reshape", _g.Node("Transpose", context).Attr("perm", [0, 2, 1, 3]).Output, MergedShape());

            string attention = Linear(merged, $"{name}.attention.output.dense");
            string attended = LayerNorm(_g.Op("Add", attention, input), $"{name}.attention.output.LayerNorm");

            string intermediate = Gelu(Linear(attended, $"{name}.intermediate.dense"));
            string output = Linear(intermediate, $"{name}.output.dense");
            return LayerNorm(_g.Op("Add", output, attended), $"{name}.output.LayerNorm");
        }

        private void Pool(string hidden, string maskFloat)
        {
            // Mean over the tokens the mask keeps, then scale to unit length, as sentence-transformers does.
            string axis1 = _g.Int64s("const.axis_1", 1);
            string mask3 = _g.Op("Unsqueeze", maskFloat, _g.Int64s("const.axis_2", 2));
            string summed = _g.Node("ReduceSum", _g.Op("Mul", hidden, mask3), axis1).Attr("keepdims", 0).Output;
            string counts = _g.Node("ReduceSum", maskFloat, axis1).Attr("keepdims", 1).Output;
            string mean = _g.Op("Div", summed, _g.Op("Max", counts, _g.Scalar("const.min_count", 1e-9f)));
            string norm = _g.Node("ReduceL2", mean).Attr("axes", [1]).Attr("keepdims", 1).Output;
            _g.Op("Div", [mean, _g.Op("Max", norm, _g.Scalar("const.min_norm", 1e-12f))], SentenceEmbedding);
        }

        private string Gelu(string x)
        {
            // Exact GELU, x * 0.5 * (1 + erf(x / sqrt 2)), in the node order ONNX Runtime fuses into one kernel.
            string erf = _g.Op("Erf", _g.Op("Div", x, Constant("const.sqrt2", MathF.Sqrt(2f))));
            string onePlus = _g.Op("Add", erf, Constant("const.one", 1f));
            return _g.Op("Mul", _g.Op("Mul", x, onePlus), Constant("const.half", 0.5f));
        }

        private string Linear(string input, string name, float scale = 1f)
        {
            SafetensorEntry entry = weights[_prefix + name + ".weight"];
            int outFeatures = (int)entry.Shape[0];
            int inFeatures = (int)entry.Shape[1];
            float[] torchLayout = weights.ReadSingles(_prefix + name + ".weight");

            // PyTorch stores Linear weights as [out, in] for x·Wᵀ; MatMul wants [in, out].
            var transposed = new float[torchLayout.Length];
            for (int o = 0; o < outFeatures; o++)
            {
                for (int i = 0; i < inFeatures; i++)
                {
                    transposed[(i * outFeatures) + o] = torchLayout[(o * inFeatures) + i] * scale;
                }
            }
            float[] bias = weights.ReadSingles(_prefix + name + ".bias");
            if (scale != 1f)
            {
                for (int i = 0; i < bias.Length; i++)
                {
                    bias[i] *= scale;
                }
            }
            string w = _g.Initializer(name + ".weight", transposed, inFeatures, outFeatures);
            string b = _g.Initializer(name + ".bias", bias, outFeatures);
            return _g.Op("Add", _g.Op("MatMul", input, w), b);
        }

        private string LayerNorm(string input, string name)
        {
            string scale = Weight(name + ".weight");
            string bias = Weight(name + ".bias");
            return _g.Node("LayerNormalization", input, scale, bias).Attr("axis", -1).Attr("epsilon", config.LayerNormEps).Output;
        }

        private string Gather(string table, string indices) => _g.Node("Gather", table, indices).Attr("axis", 0).Output;

        private string Weight(string name)
        {
            SafetensorEntry entry = weights[_prefix + name];
            return _g.Initializer(name, weights.ReadSingles(_prefix + name), [.. entry.Shape]);
        }

        private string HeadShape() =>
            Defined("const.head_shape") ?? _g.Int64s("const.head_shape", 0, 0, config.NumAttentionHeads, config.HeadSize);

        private string MergedShape() => Defined("const.merged_shape") ?? _g.Int64s("const.merged_shape", 0, 0, config.HiddenSize);

        private string Constant(string name, float value) => Defined(name) ?? _g.Scalar(name, value);

        private string? Defined(string name) => _g.Initializers.Any(t => t.Name == name) ? name : null;
    }
}
