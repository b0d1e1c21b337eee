-- tests/migrations/dump.sql - every catalogue row, one line each, in an
-- order and a text form PostgreSQL and SQLite print alike, so a database's
-- contents can be compared with diff.
SELECT 'resource_types|' || CAST(resource_type_id AS TEXT) || '|' || resource_type || '|' || COALESCE(description, '<null>') FROM resource_types ORDER BY 1;
SELECT 'product_blocks|' || CAST(product_block_id AS TEXT) || '|' || name || '|' || description || '|' || COALESCE(tag, '<null>') || '|' || COALESCE(status, '<null>') FROM product_blocks ORDER BY 1;
SELECT 'product_block_resource_types|' || CAST(product_block_id AS TEXT) || '|' || CAST(resource_type_id AS TEXT) FROM product_block_resource_types ORDER BY 1;
SELECT 'product_block_relations|' || CAST(in_use_by_id AS TEXT) || '|' || CAST(depends_on_id AS TEXT) || '|' || COALESCE(CAST(min AS TEXT), '<null>') || '|' || COALESCE(CAST(max AS TEXT), '<null>') FROM product_block_relations ORDER BY 1;
SELECT 'products|' || CAST(product_id AS TEXT) || '|' || name || '|' || description || '|' || product_type || '|' || tag || '|' || status FROM products ORDER BY 1;
SELECT 'fixed_inputs|' || CAST(fixed_input_id AS TEXT) || '|' || name || '|' || value || '|' || CAST(product_id AS TEXT) FROM fixed_inputs ORDER BY 1;
SELECT 'product_product_blocks|' || CAST(product_id AS TEXT) || '|' || CAST(product_block_id AS TEXT) FROM product_product_blocks ORDER BY 1;
SELECT 'workflows|' || CAST(workflow_id AS TEXT) || '|' || name || '|' || target || '|' || description || '|' || CASE WHEN is_task THEN 'task' ELSE 'workflow' END FROM workflows ORDER BY 1;
SELECT 'products_workflows|' || CAST(product_id AS TEXT) || '|' || CAST(workflow_id AS TEXT) FROM products_workflows ORDER BY 1;
