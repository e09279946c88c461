namespace PartnerAssistant;

/// <summary>
/// A name's possessive as a reply writes it: "Keystone Integration Group's", but "Bluewave Solutions'" and "Harbor
/// Managed Services'", since a name that ends in "s" takes the apostrophe alone.
/// </summary>
public static class Possessive
{
    public static string Of(string name) =>
        name.EndsWith('s') || name.EndsWith('S') ? name + "'" : name + "'s";
}
