using System.Text.Json.Nodes;

namespace BotHost.Tests.Robustness;

/// <summary>
/// Generates what a careless or hostile client might send, from a seed (the same seed, the same
/// requests): activities and invokes shaped like the ones Teams sends, Direct Line bodies, then
/// mutated — fields replaced by values of other types, removed, nested, lists with holes, text with
/// unpaired surrogates, bodies cut short or not JSON at all.
/// </summary>
public sealed class ActivityFuzzer(int seed, string serviceUrl)
{
    /// <summary>Stands for an unpaired surrogate, which a JsonNode cannot hold: swapped for <c>\ud800</c> in the text.</summary>
    private const string LoneSurrogate = "\u0001lone\u0001";

    private static readonly string[] People = ["demo-partner", "demo-partner-2", "demo-manager", "demo-partner-admin", "demo-editor", "nobody-known"];
    private static readonly string[] Utterances =
    [
        "help", "who am I?", "status of DR-1042", "show my registrations", "what tier are we?", "my MDF balance",
        "register a deal", "what are the rules of engagement?", "yes", "no", "2", "approve DR-1043", "score DR-1042",
        "", "   ", "DR-", "🙂🙂🙂", "<at>Partner Assistant</at> help", "reindex the knowledge base",
    ];
    private static readonly string[] Verbs = ["Help.Capabilities", "Deals.ShowMyRegistrations", "Deals.RegistrationStatus", "Tiers.MyTier", "Nope.Missing", "Knowledge.Feedback"];
    private static readonly string[] InvokeNames = ["adaptiveCard/action", "composeExtension/query", "task/fetch", "task/submit", "signin/tokenExchange", "signin/verifyState", "unknown/thing"];

    private readonly Random _random = new(seed);

    /// <summary>A body for <c>POST /api/messages</c>.</summary>
    public string NextActivityBody()
    {
        var activity = _random.Next(10) switch
        {
            < 4 => Message(),
            4 => CardSubmit(),
            5 => MembersAdded(),
            6 => Other(),
            _ => Invoke(),
        };
        return Finish(activity);
    }

    /// <summary>A body for <c>POST /v3/directline/tokens/generate</c>.</summary>
    public string NextTokenBody() =>
        Finish(new JsonObject { ["user"] = new JsonObject { ["id"] = Pick(People), ["name"] = "Fuzz" } });

    /// <summary>A body for posting an activity to a Direct Line conversation.</summary>
    public string NextDirectLineActivityBody()
    {
        JsonObject activity = _random.Next(6) switch
        {
            0 => new JsonObject { ["type"] = "message", ["value"] = new JsonObject { ["directline.execute"] = new JsonObject { ["verb"] = Pick(Verbs), ["activityId"] = "1", ["attachment"] = 0 } } },
            1 => new JsonObject { ["type"] = "message", ["value"] = new JsonObject { ["msteams"] = new JsonObject { ["type"] = "task/fetch" }, ["dialog"] = "deals.register" } },
            2 => new JsonObject { ["type"] = "message", ["value"] = new JsonObject { ["dialog"] = "deals.register", ["directline.dialogMessage"] = "1", ["customer"] = "Contoso" } },
            3 => new JsonObject { ["type"] = "event", ["name"] = "webchat/join", ["value"] = new JsonObject() },
            _ => new JsonObject { ["type"] = "message", ["text"] = Pick(Utterances), ["channelData"] = new JsonObject { ["clientActivityID"] = Id() } },
        };
        return Finish(activity);
    }

    public int Next(int bound) => _random.Next(bound);

    private JsonObject Message()
    {
        var activity = Base("message");
        activity["text"] = Pick(Utterances);
        activity["textFormat"] = "plain";
        if (_random.Next(3) == 0)
        {
            activity["entities"] = new JsonArray(new JsonObject
            {
                ["type"] = "mention", ["text"] = "<at>Partner Assistant</at>",
                ["mentioned"] = new JsonObject { ["id"] = "28:bot", ["name"] = "Partner Assistant" },
            });
        }

        return activity;
    }

    private JsonObject CardSubmit()
    {
        var activity = Base("message");
        activity["value"] = new JsonObject { ["action"] = Pick(Verbs), ["number"] = "DR-1042", ["comment"] = "fuzz" };
        return activity;
    }

    private JsonObject MembersAdded()
    {
        var activity = Base("conversationUpdate");
        activity["membersAdded"] = new JsonArray(new JsonObject { ["id"] = Pick(People), ["name"] = "New Member" }, new JsonObject { ["id"] = "28:bot" });
        return activity;
    }

    private JsonObject Other()
    {
        var type = Pick(["installationUpdate", "event", "typing", "messageReaction", "endOfConversation", "somethingNew"]);
        var activity = Base(type);
        activity["action"] = Pick(["add", "remove", "add-upgrade"]);
        activity["name"] = "some/event";
        activity["value"] = new JsonObject { ["x"] = 1 };
        return activity;
    }

    private JsonObject Invoke()
    {
        var activity = Base("invoke");
        var name = Pick(InvokeNames);
        activity["name"] = name;
        activity["value"] = name switch
        {
            "adaptiveCard/action" => new JsonObject
            {
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = Pick(Verbs), ["data"] = new JsonObject { ["number"] = "DR-1042" } },
                ["trigger"] = "manual",
            },
            "composeExtension/query" => new JsonObject
            {
                ["commandId"] = "search",
                ["parameters"] = new JsonArray(new JsonObject { ["name"] = Pick(["query", "initialRun"]), ["value"] = Pick(["contoso", "true", ""]) }),
                ["queryOptions"] = new JsonObject { ["skip"] = _random.Next(0, 30), ["count"] = 25 },
            },
            "task/fetch" or "task/submit" => new JsonObject
            {
                ["data"] = new JsonObject { ["dialog"] = Pick(["deals.register", "missing.dialog"]), ["customer"] = "Contoso", ["amount"] = "100000" },
                ["context"] = new JsonObject { ["theme"] = "default" },
            },
            "signin/tokenExchange" => new JsonObject { ["id"] = Id(), ["connectionName"] = "sso", ["token"] = "eyJ0" },
            _ => new JsonObject { ["state"] = "123456" },
        };
        return activity;
    }

    private JsonObject Base(string type)
    {
        var activity = new JsonObject
        {
            ["type"] = type,
            ["id"] = Id(),
            ["timestamp"] = "2026-12-01T10:00:00.000Z",
            ["channelId"] = Pick(["msteams", "msteams", "webchat", "emulator"]),
            ["serviceUrl"] = serviceUrl,
            ["from"] = new JsonObject { ["id"] = Pick(People), ["name"] = "Fuzz User" },
            ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "Partner Assistant" },
            ["conversation"] = new JsonObject { ["id"] = "fuzz-" + _random.Next(200), ["conversationType"] = Pick(["personal", "groupChat", "channel"]) },
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant" } },
            ["locale"] = "en-US",
        };
        if (type == "message" && _random.Next(4) != 0)
        {
            // Mostly answered in the response, as a test client does; the rest go to the sink as a channel would.
            activity["deliveryMode"] = "expectReplies";
        }

        return activity;
    }

    /// <summary>Mutates the request (most of the time), then writes it; some bodies are damaged as text.</summary>
    private string Finish(JsonObject request)
    {
        var mutations = _random.Next(10) < 8 ? _random.Next(1, 4) : 0;
        for (var i = 0; i < mutations; i++)
        {
            Mutate(request);
        }

        var text = request.ToJsonString().Replace(@"\u0001lone\u0001", @"\ud800", StringComparison.Ordinal);
        return _random.Next(40) switch
        {
            0 => text[..(_random.Next(text.Length))],
            1 => "not json at all",
            2 => "",
            3 => "[" + text + "]",
            4 => text.Replace("{", "{{", StringComparison.Ordinal),
            _ => text,
        };
    }

    private void Mutate(JsonObject root)
    {
        var places = new List<(JsonNode Parent, object Key)>();
        Collect(root, places);
        if (places.Count == 0)
        {
            return;
        }

        var (parent, key) = places[_random.Next(places.Count)];
        var remove = _random.Next(8) == 0;
        switch (parent, key)
        {
            case (JsonObject obj, string name) when remove:
                obj.Remove(name);
                break;
            case (JsonObject obj, string name):
                obj[name] = RandomValue(0);
                break;
            case (JsonArray array, int index):
                array[index] = remove ? null : RandomValue(0);
                break;
        }
    }

    private static void Collect(JsonNode node, List<(JsonNode, object)> places)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    places.Add((obj, name));
                    if (child is not null)
                    {
                        Collect(child, places);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    places.Add((array, i));
                    if (array[i] is { } child)
                    {
                        Collect(child, places);
                    }
                }

                break;
        }
    }

    private JsonNode? RandomValue(int depth) => _random.Next(depth > 2 ? 8 : 12) switch
    {
        0 => null,
        1 => _random.Next(-1000, 1000),
        2 => _random.NextDouble() * Math.Pow(10, _random.Next(-5, 30)),
        3 => _random.Next(2) == 0,
        4 => "",
        5 => new string('x', _random.Next(1, 5000)),
        6 => "a" + LoneSurrogate + "b",
        7 => Pick(["DR-1042", "deals.register", "Help.Capabilities", "-1", "abc", "yes", "=1+1", "\u0000", "../../etc/passwd"]),
        8 => new JsonArray(RandomValue(depth + 1), RandomValue(depth + 1)),
        9 => new JsonArray((JsonNode?)null),
        10 => new JsonObject { ["id"] = RandomValue(depth + 1), ["type"] = RandomValue(depth + 1) },
        _ => new JsonObject { ["action"] = RandomValue(depth + 1), ["data"] = RandomValue(depth + 1), ["verb"] = RandomValue(depth + 1) },
    };

    private string Pick(string[] options) => options[_random.Next(options.Length)];

    private string Id() => _random.NextInt64().ToString("x", System.Globalization.CultureInfo.InvariantCulture);
}
