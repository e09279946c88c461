using PartnerAssistant.Conversation.Routing;

namespace PartnerAssistant.Tests.Conversation.Routing;

public sealed class UtteranceCheckTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public void Check_NothingToRead_SaysItGotNoText(string text) =>
        Assert.Equal(UtteranceCheck.Empty, UtteranceCheck.Check(text, 2000).Problem);

    [Fact]
    public void Check_OnlyLoneSurrogatesAndControlCharacters_SaysItGotNoText()
    {
        // Built at run time: a lone surrogate does not survive as attribute data.
        Assert.Equal(UtteranceCheck.Empty, UtteranceCheck.Check(new string(['\uD83D']), 2000).Problem);
        Assert.Equal(UtteranceCheck.Empty, UtteranceCheck.Check(new string(['\uDE00', '\u0000', '\u0007', '\uD83D']), 2000).Problem);
    }

    [Theory]
    [InlineData("👍👍🎉")]
    [InlineData("???")]
    [InlineData("😀 !!")]
    public void Check_EmojiOrSymbolsOnly_SaysItReadsWords(string text) =>
        Assert.Equal(UtteranceCheck.NoWords, UtteranceCheck.Check(text, 2000).Problem);

    [Fact]
    public void Check_LongerThanTheLimit_SaysHowLongAndWhatToDoInstead()
    {
        var text = "register a deal for Contoso " + string.Concat(Enumerable.Repeat("and some more detail ", 250));

        var (_, problem) = UtteranceCheck.Check(text, 2000);

        Assert.Equal($"That message is {text.Trim().Length:N0} characters long; I read questions and requests of up to 2,000. " +
            "Please ask about one thing in a sentence or two. To add a document to the knowledge base, attach it as a file.", problem);
    }

    [Theory]
    [InlineData("Wie lange ist eine Registrierung geschützt?")]
    [InlineData("Combien de temps dure la protection d'un enregistrement ?")]
    [InlineData("¿Cuánto tiempo está protegido un registro de oportunidad?")]
    [InlineData("Quanto tempo dura la protezione di una registrazione?")]
    [InlineData("Hoe lang is een registratie beschermd?")]
    [InlineData("登録の保護期間はどれくらいですか")]
    [InlineData("Как долго действует защита регистрации?")]
    public void Check_AnotherLanguage_AsksForEnglish(string text) =>
        Assert.Equal(UtteranceCheck.NotEnglish, UtteranceCheck.Check(text, 2000).Problem);

    [Theory]
    [InlineData("is Contoso Pharma registered?")]
    [InlineData("Hola")]
    [InlineData("what does the data protection attestation cover, e.g. for our GmbH in München?")]
    [InlineData("wat is my mdf balence")]
    public void Check_EnglishWithNamesOrShorthand_PassesAsItIs(string text)
    {
        var (cleaned, problem) = UtteranceCheck.Check(text, 2000);

        Assert.Null(problem);
        Assert.Equal(text, cleaned);
    }

    [Fact]
    public void Check_LoneSurrogateInsideText_IsDroppedAndTheRestRead()
    {
        var (cleaned, problem) = UtteranceCheck.Check("show my " + new string(['\uDE00']) + "registrations \uD83D\uDE00", 2000);

        Assert.Null(problem);
        Assert.Equal("show my registrations \uD83D\uDE00", cleaned);
    }
}
