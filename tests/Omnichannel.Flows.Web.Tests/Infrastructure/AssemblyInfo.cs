// Each test class gets its own host; hosts run in parallel with their own SQLite file and Hangfire storage.
[assembly: CaptureConsole]
