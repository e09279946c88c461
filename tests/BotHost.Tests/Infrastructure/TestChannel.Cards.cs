using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure.Cards;

namespace BotHost.Tests.Infrastructure;

public sealed partial class TestChannel
{
    partial void CheckCards(JsonObject? activity, List<string> problems) =>
        problems.AddRange(AdaptiveCardValidator.CardsOf(activity).SelectMany(AdaptiveCardValidator.Validate));
}
