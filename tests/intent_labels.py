"""A labelled set of questions per intent (12 each), used to measure the offline classifier."""
LABELLED = {
    "data_summary": [
        "Summarize this file", "Give me an overview of the data", "What is in this workbook?",
        "Describe the sales dataset", "What columns does the employee table have?", "Tell me about the data",
        "What does this file contain?", "Provide a summary of the complaints sheet", "Which sheets are in the workbook?",
        "What are the key insights from this data?", "Describe the structure of the tables", "Give me the highlights of the dataset",
    ],
    "statistical_analysis": [
        "What is the average salary?", "What is the median operating margin?", "What is the standard deviation of age?",
        "Show the distribution of prices", "Is there a correlation between units sold and profit?", "Are there any outliers in salary?",
        "What is the variance of total sales?", "What is the mean age of employees?", "What is the 90th percentile of salary?",
        "What is the spread of operating margins?", "What is the minimum and maximum price per unit?", "Compute the mean bonus percentage",
    ],
    "comparison": [
        "Compare sales between West and East", "Which region had the highest total sales?", "Online vs in-store sales",
        "What are the top 3 states by total sales?", "Which retailer had the lowest operating profit?", "Rank products by units sold",
        "Which department has the highest average salary?", "How does the North compare to the South?", "Difference between 2020 and 2021 sales",
        "Which supplier had the most complaints?", "Best performing city by profit", "Is Walmart better than Amazon on margin?",
    ],
    "visualization": [
        "Show me a chart of sales by region", "Plot the monthly trend of total sales", "Draw a pie chart of sales methods",
        "Visualize salary by department", "Graph units sold over time", "Show the sales trend in 2021",
        "Make a histogram of ages", "Create a bar chart of complaints by reason", "Show a scatter plot of price vs units",
        "How did sales evolve over time?", "Show monthly complaints", "Display a heatmap of sales by region and product",
    ],
    "calculation": [
        "What were the total sales across all retailers?", "How many employees are there?", "What is the total operating profit for Walmart?",
        "How many units were sold in California?", "What share of total sales came from the West region?", "Calculate the profit margin for 2021",
        "How many complaints were about late delivery?", "What percentage of employees are female?", "What is the sum of annual salaries in China?",
        "How much revenue did Foot Locker make?", "Number of orders shipped in March", "What was the growth in sales from 2020 to 2021?",
    ],
    "search": [
        "Find employees named Emily", "Who is the manager of the IT department?", "Show me rows where the reason is Rude",
        "Look up order O0007", "Which rows mention late delivery?", "List all complaints about Joe's Jam",
        "Where is Kinsley Vega based?", "Find records with an exit date in 2021", "What is Emily Clark's job title?",
        "Search for complaints about rude staff", "Who are the employees in Seattle?", "Show the details of employee E02563",
    ],
    "general_question": [
        "Hello", "What can you do?", "How does this work?", "Thanks!", "Who are you?", "Can you help me?",
        "What is the weather today?", "Tell me a joke", "How do I upload a file?", "Good morning",
        "What is the capital of France?", "Explain how you compute answers",
    ],
}
