-- The settings the tables of history were built with (ops.transform_settings), as the last successful transform
-- saved them: a warm run whose settings differ rebuilds all history instead of its window.
SELECT setting, value
FROM ops.transform_settings
WHERE scope = 'models'
ORDER BY setting
