using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Web.Components.Contacts;

/// <summary>
/// The part of a customer's thread a page shows, oldest first: the latest page, older pages on demand, and live changes
/// (new messages, status changes) merged in. One per page; its methods are called from the page's renderer context and
/// run one after another, so a slow reload never overwrites a newer state of a message.
/// </summary>
public sealed class ContactThread(OperationScopes operations)
{
    public const int PageSize = 30;

    private readonly List<MessageView> messages = [];
    private DateTime? nextBefore;
    private Task queue = Task.CompletedTask;

    public Guid ContactId { get; private set; }

    public IReadOnlyList<MessageView> Messages => messages;

    public bool HasOlder => nextBefore is not null;

    /// <summary>Shows the latest page of <paramref name="contactId"/>'s thread.</summary>
    /// <returns>False when there is no such contact.</returns>
    public Task<bool> LoadAsync(Guid contactId) => Enqueue(async () =>
    {
        var page = await operations.RunAsync<ThreadQueries, ThreadPage?>(q => q.PageAsync(contactId, null, PageSize, CancellationToken.None));
        ContactId = contactId;
        messages.Clear();
        nextBefore = null;
        if (page is null)
        {
            return false;
        }

        Add(page);
        return true;
    });

    /// <summary>Adds the page of messages sent before the oldest one shown.</summary>
    public Task<bool> LoadOlderAsync() => Enqueue(async () =>
    {
        if (nextBefore is not { } before)
        {
            return false;
        }

        var page = await operations.RunAsync<ThreadQueries, ThreadPage?>(q => q.PageAsync(ContactId, before, PageSize, CancellationToken.None));
        nextBefore = null;
        if (page is not null)
        {
            Add(page);
        }

        return true;
    });

    /// <summary>Brings a message that was recorded or changed status into the thread.</summary>
    /// <returns>True when the thread shown changed.</returns>
    public Task<bool> RefreshMessageAsync(Guid messageId) => Enqueue(async () =>
    {
        var message = await operations.RunAsync<ThreadQueries, MessageView?>(q => q.MessageAsync(messageId, CancellationToken.None));
        var index = messages.FindIndex(m => m.Id == messageId);
        if (index >= 0)
        {
            messages.RemoveAt(index);
        }

        // Older than what is shown while older pages exist: it will arrive with its page.
        if (message is null || (HasOlder && messages.Count > 0 && message.CreatedAt < messages[0].CreatedAt))
        {
            return index >= 0;
        }

        Insert(message);
        return true;
    });

    private void Add(ThreadPage page)
    {
        foreach (var message in page.Items.Where(m => messages.All(shown => shown.Id != m.Id)))
        {
            Insert(message);
        }

        nextBefore = page.NextBefore;
    }

    private void Insert(MessageView message)
    {
        var index = messages.FindLastIndex(m => Compare(m, message) <= 0);
        messages.Insert(index + 1, message);
    }

    // Sent time, then id: ids are version 7 GUIDs, so messages sent in the same instant keep the order they were stored in.
    private static int Compare(MessageView a, MessageView b) =>
        a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : a.Id.CompareTo(b.Id);

    private Task<bool> Enqueue(Func<Task<bool>> work)
    {
        var next = RunAfterAsync(queue, work);
        queue = next;
        return next;
    }

    private static async Task<bool> RunAfterAsync(Task previous, Func<Task<bool>> work)
    {
        try
        {
            await previous;
        }
        catch (Exception)
        {
            // The caller of the previous step saw its failure; this step still runs.
        }

        return await work();
    }
}
