using PartnerAssistant.Knowledge.Embeddings;

namespace PartnerAssistant.Tests.Knowledge.Embeddings;

public sealed class BertConfigTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Load_ModelPackageConfig_ReadsTheMiniLmSizes()
    {
        BertConfig config = BertConfig.Load(MiniLmModelFiles.Locate(null).ConfigPath);

        Assert.Equal((384, 6, 12, 1536, 30522, 512, 2), (config.HiddenSize, config.NumHiddenLayers, config.NumAttentionHeads,
            config.IntermediateSize, config.VocabSize, config.MaxPositionEmbeddings, config.TypeVocabSize));
        Assert.Equal(32, config.HeadSize);
        Assert.Equal(1e-12f, config.LayerNormEps);
    }

    [Fact]
    public void Load_ActivationOtherThanGelu_IsRejectedNamingIt()
    {
        File.WriteAllText(_path, """
            {"vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16,
             "max_position_embeddings": 16, "type_vocab_size": 2, "hidden_act": "gelu_new"}
            """);

        var error = Assert.Throws<NotSupportedException>(() => BertConfig.Load(_path));

        Assert.Contains("'gelu_new' is not supported", error.Message);
    }

    [Fact]
    public void Load_HiddenSizeNotDivisibleByHeads_IsRejected()
    {
        File.WriteAllText(_path, """
            {"vocab_size": 10, "hidden_size": 10, "num_hidden_layers": 1, "num_attention_heads": 3, "intermediate_size": 16,
             "max_position_embeddings": 16, "type_vocab_size": 2}
            """);

        var error = Assert.Throws<InvalidDataException>(() => BertConfig.Load(_path));

        Assert.Contains("not a multiple of 3 attention heads", error.Message);
    }
}
