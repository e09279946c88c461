using System.ComponentModel;
using System.Text;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.People;

namespace PartnerAssistant.Help;

/// <summary>Tells people what the assistant can do for someone in their role, and who it thinks they are.</summary>
public sealed class HelpPlugin(IntentCatalog intents, PluginCatalog plugins)
{
    [KernelFunction("Capabilities"), Description("Lists what the assistant can do for the current user, given their role.")]
    public AssistantReply Capabilities(Kernel kernel)
    {
        var caller = kernel.GetCaller();
        return AssistantReply.Say(Welcome(caller, greet: false)).WithSuggestions(SuggestionsFor(caller));
    }

    [KernelFunction("Greet"), Description("Answers a greeting with a welcome and what the assistant can do.")]
    public AssistantReply Greet(Kernel kernel)
    {
        var caller = kernel.GetCaller();
        return AssistantReply.Say(Welcome(caller, greet: true)).WithSuggestions(SuggestionsFor(caller));
    }

    [KernelFunction("Profile"), Description("Tells the current user who the assistant thinks they are: name, organisation, partner type, tier and role.")]
    public AssistantReply Profile(Kernel kernel)
    {
        var caller = kernel.GetCaller();
        var organisation = caller.Organisation;
        var text = new StringBuilder();
        text.Append($"You are **{caller.Person.DisplayName}**, {Article(caller.Role.Describe())} {caller.Role.Describe()} at **{organisation.Name}**");
        if (!organisation.IsVendor && organisation.PartnerType is { } type)
        {
            text.Append($", a {(organisation.Tier ?? Tier.Registered).ToString()}-tier {type.Describe()}");
        }

        text.Append(organisation.Region is { Length: > 0 } region && !organisation.IsVendor ? $" in {region}." : ".");
        if (caller.Person.Email is { Length: > 0 } email)
        {
            text.Append($"\n\nI know you by {email}. If any of this is wrong, ask your partner administrator or channel manager to update the directory.");
        }

        return AssistantReply.Say(text.ToString());
    }

    /// <summary>The welcome for a person: greeting and what they can ask, grouped by capability.</summary>
    public string Welcome(Caller caller, bool greet)
    {
        var text = new StringBuilder();
        if (greet)
        {
            text.Append($"Hi {caller.FirstName}! I'm Partner Assistant for the Northbeam Partner Network. ");
        }

        text.Append($"Here is what I can do for you as {Article(caller.Role.Describe())} {caller.Role.Describe()} at {caller.Organisation.Name}:\n\n");
        foreach (var group in Available(caller).GroupBy(i => i.Title))
        {
            text.Append($"**{group.Key}**\n");
            foreach (var intent in group)
            {
                var example = intent.Examples.FirstOrDefault();
                text.Append(example is null ? $"- {intent.Summary}\n" : $"- {intent.Summary} — e.g. \"{example}\"\n");
            }

            text.Append('\n');
        }

        text.Append("Just ask in your own words.");
        return text.ToString();
    }

    private IEnumerable<Intent> Available(Caller caller) =>
        intents.For(caller.Role).Where(i => i.OfferInHelp && plugins.TryGetFunction(i.Id, out _));

    private string[] SuggestionsFor(Caller caller) =>
        Available(caller).Where(i => i.Plugin != "Help").Select(i => i.Examples.FirstOrDefault()).OfType<string>().Take(3).ToArray() is { Length: > 0 } list
            ? list
            : ["who am I?"];

    private static string Article(string noun) => "aeiou".Contains(char.ToLowerInvariant(noun[0])) ? "an" : "a";
}
