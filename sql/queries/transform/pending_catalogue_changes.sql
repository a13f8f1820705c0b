-- The catalogue changes whose older days a transform has not rebuilt yet (ops.catalogue_changes): kept before the
-- catalogue merge that makes them undetectable, so that a run that crashed after it still rebuilds those days.
SELECT product_id, sku, line_name
FROM ops.catalogue_changes
WHERE state = 'pending'
