using PartnerAssistant.Knowledge.Embeddings;

namespace PartnerAssistant.Tests.Knowledge.Embeddings;

[Collection(MiniLmCollection.Name)]
public sealed class MiniLmTokenizerTests(MiniLmFixture fixture)
{
    private readonly MiniLmTokenizer _tokenizer = MiniLmTokenizer.Load(fixture.Files.TokenizerPath, maxTokens: 256);

    [Fact]
    public void Encode_ExampleSentence_GivesTheReferenceWordPieceIds()
    {
        // [CLS] this is an example sentence [SEP] in the bert-base-uncased vocabulary.
        Assert.Equal([101, 2023, 2003, 2019, 2742, 6251, 102], _tokenizer.Encode("This is an example sentence"));
    }

    [Fact]
    public void Encode_AccentedAndUpperCaseWord_GivesTheSameIdsAsPlainLowerCase()
    {
        Assert.Equal(_tokenizer.Encode("cafe"), _tokenizer.Encode("Café"));
        Assert.Equal(_tokenizer.Encode("resume naive"), _tokenizer.Encode("RÉSUMÉ naïve"));
    }

    [Fact]
    public void Encode_TextLongerThanTheLimit_IsCutTo256TokensEndingWithSep()
    {
        string longText = string.Join(' ', Enumerable.Repeat("registration", 1000));

        IReadOnlyList<int> ids = _tokenizer.Encode(longText);

        Assert.Equal(256, ids.Count);
        Assert.Equal(101, ids[0]);
        Assert.Equal(102, ids[^1]);
    }

    [Fact]
    public void Encode_LimitFallingInsideAWord_CutsBetweenWordPiecesLikeTheReference()
    {
        // "enablement" is two pieces, so with an odd number of free slots the limit splits one.
        string text = string.Join(' ', Enumerable.Repeat("enablement", 200));
        IReadOnlyList<int> uncut = MiniLmTokenizer.Load(fixture.Files.TokenizerPath, maxTokens: 512).Encode(text);

        IReadOnlyList<int> ids = MiniLmTokenizer.Load(fixture.Files.TokenizerPath, maxTokens: 7).Encode(text);

        Assert.True(uncut.Count > 400);
        Assert.Equal([.. uncut.Take(6), 102], ids);
    }

    [Fact]
    public void Encode_WordOutsideTheVocabulary_IsSplitIntoWordPieces()
    {
        IReadOnlyList<int> ids = _tokenizer.Encode("Northbeam");

        // More than [CLS] word [SEP], and no [UNK] (id 100): the word is assembled from pieces.
        Assert.True(ids.Count > 3);
        Assert.DoesNotContain(100, ids);
    }
}
